"""A fault in any crm_pack path never stops a valid ERPNext document: the document posts,
the failure is logged, and the customer is marked and later corrected."""

import frappe
import pytest

from crm_pack.ledger import queries, refresh, store
from crm_pack.relationship import records
from tests.integration import books, factories


def broken(*args, **kwargs):
	raise RuntimeError("injected fault")


LEDGER_PATHS = {
	"reading the customer's state": (store, "stored_state"),
	"reading the ledger": (queries, "read_groups"),
	"computing the figures": (store, "read_figures"),
	"writing the figures": (store, "write_compared"),
	"writing the company rows": (store, "_write_balances"),
}


@pytest.mark.parametrize("path", sorted(LEDGER_PATHS))
def test_a_fault_in_the_ledger_refresh_never_stops_the_invoice(path, monkeypatch):
	cust = factories.customer()
	errors = frappe.db.count("Error Log")
	monkeypatch.setattr(*LEDGER_PATHS[path], broken)
	invoice = factories.sales_invoice(cust, 321)  # settles: the before-commit refresh runs here

	assert frappe.db.get_value("Sales Invoice", invoice.name, "docstatus") == 1
	assert frappe.db.exists("GL Entry", {"voucher_no": invoice.name, "is_cancelled": 0})
	assert frappe.db.count("Error Log") == errors + 1
	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 1
	monkeypatch.undo()

	refresh.recompute_dirty(commit=False)  # what the queued job does after the commit
	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 0
	assert books.stored(cust) == books.expected(cust, factories.company())


def test_a_fault_creating_the_crm_record_never_stops_the_customer(monkeypatch):
	monkeypatch.setattr(records, "create_for_customer", broken)
	errors = frappe.db.count("Error Log")
	cust = factories.customer()
	assert frappe.db.exists("Customer", cust)
	assert not frappe.db.exists("CRM Customer", cust)
	assert frappe.db.count("Error Log") == errors + 1
	monkeypatch.undo()
	# the nightly recompute creates what is missing
	refresh.recompute_all()
	assert frappe.db.exists("CRM Customer", cust)


def test_a_fault_in_the_complaint_cost_never_stops_the_cancel(monkeypatch):
	from crm_pack.interactions import complaint_costs

	cust = factories.customer()
	invoice = factories.sales_invoice(cust, 200)
	credit = factories.credit_note(invoice)
	monkeypatch.setattr(complaint_costs, "_zero_cancelled", broken)
	credit.reload()
	credit.cancel()
	assert frappe.db.get_value("Sales Invoice", credit.name, "docstatus") == 2


def test_a_fault_logging_an_email_never_stops_the_email(monkeypatch):
	from crm_pack.interactions import email_log

	monkeypatch.setattr(email_log, "log_email", broken)
	frappe.db.set_single_value("CRM Pack Settings", "log_emails_as_interactions", 1)
	comm = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"subject": "Fault check",
			"sender": "someone@example.com",
			"content": "hello",
		}
	).insert(ignore_permissions=True)
	assert frappe.db.exists("Communication", comm.name)
