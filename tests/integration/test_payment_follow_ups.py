"""Payment follow-up levels on a real site: each transition, ERPNext's Dunning with its
type's fee, the email in frappe's Email Queue, the collector's task, nothing twice, the
sequence stopped by whatever clears the overdue, stopped orders, two companies."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from crm_pack.credit_control import follow_up_run
from tests.integration import books, factories
from tests.integration.collections_setup import (
	COLLECTOR,
	DUNNING_FEE,
	configure,
	customer_with_email,
	dunning_type,
	dunnings,
	emails,
	levels,  # noqa: F401 (the fixture)
	open_todos,
	overdue_invoice,
	reminders,
	run,
	state,
)
from tests.integration.test_receivable_paths import reconcile

pytestmark = pytest.mark.usefixtures("levels")


def test_each_level_in_turn_with_its_step():
	cust = customer_with_email()
	overdue_invoice(cust, 100, 1)
	assert run(cust)["steps"] == 1
	s = state(cust)
	assert (s.collection_level, getdate(s.collection_level_since)) == (1, getdate(nowdate()))
	assert getdate(s.next_collection_date) == add_days(getdate(nowdate()), 14)  # due date + 15 days
	[reminder] = reminders(cust)
	assert (reminder.channel, reminder.company, reminder.handled_by) == (
		"Email",
		factories.company(),
		COLLECTOR,
	)
	[email] = emails(cust)
	assert email.recipients == [frappe.db.get_value("Customer", cust, "email_id")]
	assert "Payment reminder" in email.message

	overdue_invoice(cust, 200, 16)  # an older invoice: the oldest is now 16 days overdue
	run(cust)
	assert state(cust).collection_level == 2
	call = [r for r in reminders(cust) if r.collection_level == 2]
	assert [r.channel for r in call] == ["Phone"]
	assert [(t.allocated_to, t.reference_name) for t in open_todos(cust)] == [(COLLECTOR, call[0].name)]
	assert len(emails(cust)) == 1  # a call is not an email

	overdue_invoice(cust, 300, 31)
	run(cust)
	assert state(cust).collection_level == 3
	[dunning] = dunnings(cust)
	assert (dunning.docstatus, dunning.dunning_type, dunning.dunning_fee) == (1, dunning_type(), DUNNING_FEE)
	assert dunning.total_outstanding == 600  # every overdue invoice's schedule
	letter = [r for r in reminders(cust) if r.collection_level == 3]
	assert letter[0].dunning == dunning.name and letter[0].channel == "Letter"
	assert len(open_todos(cust)) == 2  # the call and the letter to send


def test_first_seen_40_days_overdue_goes_straight_to_the_letter():
	cust = customer_with_email()
	overdue_invoice(cust, 100, 40)
	run(cust)
	assert state(cust).collection_level == 3
	assert [r.collection_level for r in reminders(cust)] == [3]  # levels 1 and 2 are not sent late
	assert emails(cust) == [] and len(dunnings(cust)) == 1


def test_first_seen_70_days_overdue_gets_the_letter_before_orders_stop():
	"""Orders are not stopped on a customer who never had the formal letter."""
	cust = customer_with_email()
	overdue_invoice(cust, 100, 70)
	run(cust)
	s = state(cust)
	assert (s.collection_level, s.orders_stopped) == (4, 1)
	assert sorted((r.collection_level, r.channel) for r in reminders(cust)) == [(3, "Letter"), (4, "Phone")]
	[letter] = dunnings(cust)
	assert (letter.docstatus, letter.total_outstanding) == (1, 100)
	assert run(cust)["steps"] == 0  # and nothing twice


def test_the_email_carries_the_dunning_and_the_statement():
	configure(
		[
			{
				"days_overdue": 1,
				"title": "Friendly reminder",
				"channel": "Email",
				"dunning_type": dunning_type(),
				"attach_statement": 1,
			}
		]
	)
	cust = customer_with_email()
	overdue_invoice(cust, 100, 3)
	run(cust)
	[email] = emails(cust)
	[dunning] = dunnings(cust)
	prints = [a for a in email.attachments if a.get("print_format_attachment")]
	assert [(a["doctype"], a["name"], a["print_format"]) for a in prints] == [
		("Dunning", dunning.name, "Dunning Letter")
	]
	try:
		from crm_pack.credit_control.statements import statement_attachment  # noqa: F401
	except ImportError:
		pytest.skip("statements (wt-statements) not merged yet: the statement attachment is not checked")
	assert 'filename="' in email.message and ".pdf" in email.message.lower()


def test_running_twice_the_same_day_sends_nothing_new():
	cust = customer_with_email()
	overdue_invoice(cust, 100, 35)
	first = run(cust)
	seen = (len(reminders(cust)), len(emails(cust)), len(dunnings(cust)), len(open_todos(cust)))
	second = run(cust)
	assert (first["steps"], second["steps"]) == (1, 0)
	assert (len(reminders(cust)), len(emails(cust)), len(dunnings(cust)), len(open_todos(cust))) == seen
	# the whole run (every candidate of the site) takes no second step either
	follow_up_run.run()
	assert len(reminders(cust)) == seen[0]


def test_a_payment_clearing_the_overdue_stops_the_sequence_in_its_transaction():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 20)
	run(cust)
	assert state(cust).collection_level == 2 and open_todos(cust)
	factories.payment(invoice)  # ends with the before-commit refresh (books.settle)
	s = state(cust)
	assert (s.collection_level, s.next_collection_date, s.orders_stopped) == (0, None, 0)
	assert open_todos(cust) == []
	assert {r.status for r in reminders(cust)} == {"Closed"}


def test_a_partial_payment_keeps_the_level():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 20)
	run(cust)
	factories.payment(invoice, 40)
	assert state(cust).collection_level == 2
	assert books.stored(cust)["overdue_amount"] == 60


def test_a_credit_note_clearing_the_overdue_stops_the_sequence():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 20)
	run(cust)
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	ret = make_return_doc("Sales Invoice", invoice.name)
	ret.update_outstanding_for_self = 0  # the credit note reduces its invoice's outstanding
	ret.insert(ignore_permissions=True)
	ret.submit()
	books.settle()
	assert books.stored(cust)["overdue_amount"] == 0
	assert state(cust).collection_level == 0 and open_todos(cust) == []


def test_a_payment_reconciliation_clearing_the_overdue_stops_the_sequence():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 800, 20)
	run(cust)
	assert state(cust).collection_level == 2
	advance = factories.advance_payment(cust, 800)
	reconcile(cust, invoice, "Payment Entry", advance.name, invoice.debit_to)
	books.settle()
	assert state(cust).collection_level == 0 and open_todos(cust) == []


def test_stopped_orders_are_refused_then_allowed_after_payment():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 61)
	run(cust)
	assert (state(cust).collection_level, state(cust).orders_stopped) == (4, 1)
	order = factories.sales_order(cust, 50, submit=False)
	frappe.set_user("sales.only@crm-pack.test")
	try:
		with pytest.raises(frappe.ValidationError) as refused:
			frappe.get_doc("Sales Order", order.name).submit()
	finally:
		frappe.set_user("Administrator")
	message = str(refused.value)
	assert "level 4" in message and "Stop new orders" in message and "Accounts Manager" in message
	assert "100.00" in message
	factories.payment(invoice)
	assert state(cust).orders_stopped == 0
	frappe.set_user("sales.only@crm-pack.test")
	try:
		frappe.get_doc("Sales Order", order.name).submit()
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.get_value("Sales Order", order.name, "docstatus") == 1


def test_an_accounts_manager_can_submit_a_stopped_customers_order():
	cust = customer_with_email()
	overdue_invoice(cust, 100, 61)
	run(cust)
	order = factories.sales_order(cust, 50, submit=False)
	order.submit()  # Administrator holds Accounts Manager
	assert order.docstatus == 1


def test_customers_below_the_minimum_overdue_are_not_chased():
	configure(minimum_overdue_amount=500)
	cust = customer_with_email()
	overdue_invoice(cust, 100, 20)
	run(cust)
	assert state(cust).collection_level == 0 and reminders(cust) == []
	overdue_invoice(cust, 450, 2)
	run(cust)
	assert state(cust).collection_level == 2


def test_two_companies_in_two_currencies_each_get_their_own_step_at_accounts_receivable_amounts():
	eu = factories.eu_company()
	cust = customer_with_email()
	overdue_invoice(cust, 100, 20)
	factories.invoice_in(eu, cust, 70, posting_date=add_days(nowdate(), -50), due_days=30)
	run(cust)
	rows = {r.company: r for r in reminders(cust)}
	assert set(rows) == {factories.company(), eu}
	for company, row in rows.items():
		doc = frappe.get_doc("Customer Interaction", row.name)
		assert doc.currency == frappe.get_cached_value("Company", company, "default_currency")
		assert (
			round(sum(i.outstanding_amount for i in doc.invoices), 2)
			== books.receivable(cust, company)["overdue_amount"]
		)


def test_one_customers_failure_is_logged_the_others_go_on_and_the_rerun_takes_only_what_is_missing():
	first, second = customer_with_email(), customer_with_email()
	for cust in (first, second):
		overdue_invoice(cust, 100, 3)
	# a template that fails for one customer only, as a real one can
	template = frappe.get_doc(
		{
			"doctype": "Email Template",
			"name": f"CRM Pack Reminder {frappe.generate_hash(length=6)}",
			"subject": "Reminder {% if customer_name == '" + second + "' %}{{ 1 / 0 }}{% endif %}",
			"response": "Please pay {{ overdue_amount_formatted }}.",
		}
	).insert(ignore_permissions=True)
	configure(
		[
			{
				"days_overdue": 1,
				"title": "Friendly reminder",
				"channel": "Email",
				"email_template": template.name,
			}
		]
	)
	counts = run(first, second)
	assert (counts["steps"], counts["failed"]) == (1, 1)
	assert (state(first).collection_level, state(second).collection_level) == (1, 0)
	assert reminders(second) == [] and emails(second) == []  # its half-taken step was undone
	assert frappe.db.exists("Error Log", {"method": f"crm_pack: payment follow-up failed for {second}"})
	frappe.db.set_value("Email Template", template.name, "subject", "Reminder")
	counts = run(first, second)
	assert (counts["steps"], counts["failed"]) == (1, 0)
	assert len(emails(first)) == 1 and len(emails(second)) == 1
	assert "Please pay $ 100.00." in emails(second)[0].message  # the level's template, rendered


def test_without_an_email_address_the_collector_calls_and_a_contact_s_address_is_used():
	silent = factories.customer()
	overdue_invoice(silent, 100, 3)
	run(silent)
	[reminder] = reminders(silent)
	assert reminder.channel == "Phone" and emails(silent) == []
	assert [t.allocated_to for t in open_todos(silent)] == [COLLECTOR]

	reachable = factories.customer()
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Payables",
			"email_ids": [
				{"email_id": f"ap-{frappe.generate_hash(length=6)}@crm-pack.test", "is_primary": 1}
			],
			"links": [{"link_doctype": "Customer", "link_name": reachable}],
		}
	).insert(ignore_permissions=True)
	overdue_invoice(reachable, 100, 3)
	run(reachable)
	[email] = emails(reachable)
	assert email.recipients[0].startswith("ap-")


def test_one_dunning_per_company_with_that_companys_dunning_type():
	eu = factories.eu_company()
	configure(
		[
			{
				"days_overdue": 1,
				"title": "Friendly reminder",
				"channel": "Letter",
				"dunning_type": dunning_type(),
			}
		]
	)
	# ERPNext keeps Dunning Type titles unique: the second company's step uses its default type
	eu_type = dunning_type(eu, fee=9, title="CRM Pack Test Mahnung", is_default=1)
	cust = customer_with_email()
	overdue_invoice(cust, 100, 3)
	factories.invoice_in(eu, cust, 70, posting_date=add_days(nowdate(), -33), due_days=30)
	run(cust)
	made = {d.company: d for d in dunnings(cust)}
	assert set(made) == {factories.company(), eu}
	assert (made[eu].dunning_type, made[eu].dunning_fee, made[eu].currency) == (eu_type, 9, "EUR")
	assert made[eu].total_outstanding == books.receivable(cust, eu)["overdue_amount"]
	assert made[factories.company()].dunning_fee == DUNNING_FEE


def test_a_company_without_a_dunning_type_gets_the_letter_as_a_task_and_the_settings_say_so():
	eu = factories.eu_company()
	frappe.db.set_value("Dunning Type", {"company": eu}, "is_default", 0)  # undone after the test
	frappe.clear_messages()
	configure(
		[{"days_overdue": 1, "title": "Formal letter", "channel": "Letter", "dunning_type": dunning_type()}]
	)
	warnings = " ".join(str(m) for m in frappe.get_message_log())
	assert eu in warnings and "Dunning Type" in warnings
	cust = customer_with_email()
	factories.invoice_in(eu, cust, 70, posting_date=add_days(nowdate(), -33), due_days=30)
	run(cust)
	assert dunnings(cust) == []
	[letter] = reminders(cust)
	assert (letter.company, letter.channel) == (eu, "Letter")
	next_step = frappe.db.get_value("Customer Interaction", letter.name, "next_step")
	assert next_step.startswith("Write the letter yourself") and eu in next_step
	assert [t.allocated_to for t in open_todos(cust)] == [COLLECTOR]


def test_a_call_goes_to_someone_who_reads_their_tasks_never_to_administrator():
	"""Without a Default Collector the call goes to the customer's collector, else its
	relationship owner, else ERPNext's Account Manager on the Customer; with none of them it
	is logged unassigned and the worklist counts it, rather than lying in Administrator's
	task list."""
	configure(default_collector=None)
	owner, manager = "crm.sales@crm-pack.test", "crm.manager@crm-pack.test"
	by_owner, by_manager, nobody, only_admin = (customer_with_email() for _ in range(4))
	frappe.db.set_value("CRM Customer", by_owner, "relationship_owner", owner)
	frappe.db.set_value("Customer", by_manager, "account_manager", manager)
	frappe.db.set_value("CRM Customer", only_admin, "relationship_owner", "Administrator")
	for cust in (by_owner, by_manager, nobody, only_admin):
		overdue_invoice(cust, 100, 20)
		run(cust)
	assert [t.allocated_to for t in open_todos(by_owner)] == [owner]
	assert [t.allocated_to for t in open_todos(by_manager)] == [manager]
	for cust in (nobody, only_admin):
		[call] = reminders(cust)
		assert call.channel == "Phone" and not call.handled_by
		assert open_todos(cust) == []

	from crm_pack.crm_pack.report.collections_worklist import collections_worklist as report

	summary = {s["label"]: s["value"] for s in report.execute({"company": factories.company()})[4]}
	assert summary["Calls and letters nobody is assigned"] >= 2


def test_an_unallocated_payment_received_today_is_not_chased_but_stays_on_the_worklist():
	"""Accounts Receivable still shows the invoice overdue (it ages the payment from
	tomorrow); the customer has paid: the worklist keeps the row and says to allocate the
	payment, the follow-up stops, and the card, the list and the run agree."""
	from crm_pack.api import collections
	from crm_pack.crm_pack.report.collections_worklist import collections_worklist as report

	cust = customer_with_email()
	company = factories.company()
	overdue_invoice(cust, 1000, 20)
	run(cust)
	assert state(cust).collection_level == 2 and open_todos(cust)
	factories.advance_payment(cust, 1000)
	assert books.receivable(cust, company) == {"outstanding_amount": 0, "overdue_amount": 1000}

	[row] = [r for r in report.execute({"company": company})[1] if r["customer"] == cust]
	assert row["overdue_amount"] == 1000
	assert row["next_action"].startswith("Allocate the unallocated")
	assert frappe.utils.fmt_money(1000, currency=row["currency"]) in row["next_action"]
	assert collections.customers_to_chase()["value"] >= 1

	run(cust)
	assert state(cust).collection_level == 0 and open_todos(cust) == []
