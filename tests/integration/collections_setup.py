"""Shared set-up of the payment follow-up tests: levels with a real Dunning Type, a
collector, customers with an email address, and what a user would look at afterwards."""

import json

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_pack.credit_control import follow_up_run
from tests.integration import factories

COLLECTOR = "crm.user@crm-pack.test"
DUNNING_FEE = 15.0


def dunning_type(company=None, fee=DUNNING_FEE, title="CRM Pack Test Notice", is_default=0) -> str:
	company = company or factories.company()
	abbr = frappe.get_cached_value("Company", company, "abbr")
	name = f"{title} - {abbr}"
	if not frappe.db.exists("Dunning Type", name):
		frappe.get_doc(
			{
				"doctype": "Dunning Type",
				"dunning_type": title,
				"company": company,
				"dunning_fee": fee,
				"is_default": is_default,
				"rate_of_interest": 8,
				"income_account": frappe.get_cached_value("Company", company, "default_income_account"),
				"cost_center": frappe.get_cached_value("Company", company, "cost_center"),
				"dunning_letter_text": [
					{
						"language": "en",
						"is_default_language": 1,
						"body_text": "<p>Dear {{ customer_name }}, please pay {{ grand_total }}.</p>",
						"closing_text": "<p>Kind regards</p>",
					}
				],
			}
		).insert(ignore_permissions=True)
	return name


def configure(levels=None, **values) -> None:
	settings = frappe.get_single("CRM Pack Settings")
	settings.update(
		{
			"collections_enabled": 1,
			"minimum_overdue_amount": 0,
			"default_collector": COLLECTOR,
			"promise_grace_days": 0,
			**values,
		}
	)
	settings.set(
		"collection_levels",
		levels
		or [
			{"days_overdue": 1, "title": "Friendly reminder", "channel": "Email"},
			{"days_overdue": 15, "title": "Phone call", "channel": "Phone"},
			{
				"days_overdue": 30,
				"title": "Formal letter",
				"channel": "Letter",
				"dunning_type": dunning_type(),
			},
			{"days_overdue": 60, "title": "Stop new orders", "channel": "Phone", "stop_new_orders": 1},
		],
	)
	settings.save(ignore_permissions=True)
	frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")


def outgoing_email_account() -> None:
	"""frappe queues email only with an outgoing account (none on a fresh test site); the
	queue is what the tests read, nothing is sent."""
	if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "CRM Pack Collections Test",
				"email_id": "collections@crm-pack.test",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "smtp.crm-pack.invalid",  # never dialled: v16 tests a loopback server on save
				"smtp_port": 2525,
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)
	_forget_email_accounts()


def _forget_email_accounts() -> None:
	for cache in ("outgoing_email_account", "incoming_email_account"):
		if hasattr(frappe.local, cache):
			delattr(frappe.local, cache)


@pytest.fixture
def levels():
	outgoing_email_account()
	configure()
	yield
	frappe.db.rollback()
	frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
	_forget_email_accounts()


def customer_with_email() -> str:
	email = f"payer-{frappe.generate_hash(length=6)}@crm-pack.test"
	return factories.customer(email_id=email)


def overdue_invoice(cust, amount, days_overdue, **kw):
	"""An invoice whose due date is `days_overdue` days ago (posted 30 days before that)."""
	return factories.sales_invoice(
		cust, amount, posting_date=add_days(nowdate(), -days_overdue - 30), due_days=30, **kw
	)


def run(*customers):
	return follow_up_run.run_chunk(list(customers), frappe.utils.getdate(nowdate()))


def state(cust) -> frappe._dict:
	return frappe.db.get_value(
		"CRM Customer",
		cust,
		[
			"collection_level",
			"collection_level_since",
			"next_collection_date",
			"orders_stopped",
			"open_promise_amount",
			"open_promise_date",
			"disputed_amount",
			"promise_kept_rate",
		],
		as_dict=True,
	)


def reminders(cust) -> list[frappe._dict]:
	return frappe.get_all(
		"Customer Interaction",
		filters={"customer": cust, "interaction_type": "Payment Reminder"},
		fields=[
			"name",
			"collection_level",
			"company",
			"channel",
			"dunning",
			"status",
			"handled_by",
			"follow_up_todo",
		],
		order_by="collection_level",
	)


def emails(cust) -> list[frappe._dict]:
	names = [r.name for r in reminders(cust)]
	if not names:
		return []
	rows = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Customer Interaction", "reference_name": ("in", names)},
		fields=["name", "reference_name", "attachments", "message", "status"],
	)
	for row in rows:
		row.attachments = json.loads(row.attachments or "[]")
		row.recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": row.name}, pluck="recipient"
		)
	return rows


def open_todos(cust) -> list[frappe._dict]:
	names = [r.name for r in reminders(cust)]
	return frappe.get_all(
		"ToDo",
		filters={
			"reference_type": "Customer Interaction",
			"reference_name": ("in", names or [""]),
			"status": "Open",
		},
		fields=["name", "allocated_to", "reference_name"],
	)


def dunnings(cust) -> list[frappe._dict]:
	return frappe.get_all(
		"Dunning",
		filters={"customer": cust},
		fields=[
			"name",
			"docstatus",
			"dunning_type",
			"dunning_fee",
			"company",
			"currency",
			"total_outstanding",
			"status",
		],
	)
