"""Every ERPNext path that moves a receivable leaves the CRM Customer equal to Accounts
Receivable and the Customer Ledger Summary when its transaction ends (books.settle is
the end of the user's request)."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_pack import compat
from tests.integration import books, factories
from tests.integration.query_count import QueryCount


@pytest.fixture
def cust():
	return factories.customer()


def matches_books(*customers, company=None):
	for c in customers:
		assert books.stored(c) == books.expected(c, company or factories.company()), c


def reconcile(cust, invoice, payment_type, payment_name, account):
	"""The Payment Reconciliation tool, as the accountant uses it: fetch, allocate, reconcile."""
	pr = frappe.get_doc(
		{
			"doctype": "Payment Reconciliation",
			"company": factories.company(),
			"party_type": "Customer",
			"party": cust,
			"receivable_payable_account": account,
		}
	)
	pr.get_unreconciled_entries()
	invoices = [i.as_dict() for i in pr.invoices if i.invoice_number == invoice.name]
	payments = [
		p.as_dict()
		for p in pr.payments
		if p.reference_type == payment_type and p.reference_name == payment_name
	]
	assert invoices and payments, (invoices, payments)
	pr.allocate_entries(frappe._dict(invoices=invoices, payments=payments))
	pr.reconcile()


def test_reconciling_an_advance_clears_the_overdue_at_once(cust):
	"""ERPNext saves the payment first and rewrites the Payment Ledger afterwards: the
	figures must show the new allocation, not the one read at the payment's event."""
	invoice = factories.sales_invoice(cust, 800, posting_date=add_days(nowdate(), -60), due_days=10)
	advance = factories.advance_payment(cust, 800)
	assert books.stored(cust)["overdue_amount"] == 800  # the advance is not yet against it
	reconcile(cust, invoice, "Payment Entry", advance.name, invoice.debit_to)
	assert books.stored(cust) == {
		"outstanding_amount": 0,
		"overdue_amount": 0,
		"total_billed": 800,
		"total_paid": 800,
	}
	matches_books(cust)


def test_reconciling_a_credit_note_against_another_invoice(cust):
	first = factories.sales_invoice(cust, 300)
	second = factories.sales_invoice(cust, 500, posting_date=add_days(nowdate(), -40), due_days=5)
	ret = frappe.get_doc("Sales Invoice", factories.credit_note(first).name)
	# a credit note that keeps its own outstanding, to be set against any invoice
	ret.db_set("update_outstanding_for_self", 1)
	matches_books(cust)
	reconcile(cust, second, "Sales Invoice", ret.name, second.debit_to)
	matches_books(cust)


def test_reconciling_a_journal_credit_against_an_invoice(cust):
	invoice = factories.sales_invoice(cust, 400, posting_date=add_days(nowdate(), -45), due_days=15)
	je = factories.journal_credit(invoice, 150)
	reconcile(cust, invoice, "Journal Entry", je.name, invoice.debit_to)
	assert books.stored(cust)["overdue_amount"] == 250
	matches_books(cust)


def test_payment_with_a_deduction_writes_the_rest_off(cust):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	invoice = factories.sales_invoice(cust, 1000)
	company = factories.company()
	pe = get_payment_entry("Sales Invoice", invoice.name, party_amount=970)
	pe.reference_no, pe.reference_date = "CRM-DEDUCT", nowdate()
	pe.append(
		"deductions",
		{
			"account": frappe.get_cached_value("Company", company, "write_off_account"),
			"cost_center": frappe.get_cached_value("Company", company, "cost_center"),
			"amount": 30,
		},
	)
	pe.references[0].allocated_amount = 1000
	pe.insert()
	pe.submit()
	assert frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount") == 0
	assert books.stored(cust)["outstanding_amount"] == 0
	matches_books(cust)


def test_cancelling_an_invoice_unlinks_its_payment(cust):
	settings = frappe.get_single("Accounts Settings")
	settings.unlink_payment_on_cancellation_of_invoice = 1
	settings.save()
	invoice = factories.sales_invoice(cust, 600)
	factories.payment(invoice, 200)
	invoice.reload()
	invoice.cancel()
	books.settle()
	# the payment stays, now unallocated: the customer is owed 200
	assert books.stored(cust)["outstanding_amount"] == -200
	matches_books(cust)


def test_repost_payment_ledger_brings_the_figures_back(cust):
	from erpnext.accounts.doctype.repost_payment_ledger.repost_payment_ledger import (
		start_payment_ledger_repost,
	)

	invoice = factories.sales_invoice(cust, 700)
	ple = frappe.qb.DocType("Payment Ledger Entry")
	# a damaged ledger, as a repost finds it: the invoice's rows are gone
	frappe.qb.from_(ple).delete().where(ple.voucher_no == invoice.name).run()
	from crm_pack.ledger import refresh

	refresh.recompute([cust])
	assert books.stored(cust)["outstanding_amount"] == 0
	repost = frappe.get_doc(
		{
			"doctype": "Repost Payment Ledger",
			"company": invoice.company,
			"posting_date": invoice.posting_date,
			"voucher_type": "Sales Invoice",
			"add_manually": 1,
			"repost_vouchers": [{"voucher_type": "Sales Invoice", "voucher_no": invoice.name}],
		}
	).insert()
	repost.submit()
	start_payment_ledger_repost(repost.name)  # the background job, run here
	assert books.stored(cust)["outstanding_amount"] == 700
	matches_books(cust)


def test_a_journal_with_several_customers_refreshes_each_once():
	customers = [factories.customer() for _ in range(3)]
	company = factories.company()
	receivable = frappe.get_cached_value("Company", company, "default_receivable_account")
	lines = [
		{
			"account": receivable,
			"party_type": "Customer",
			"party": c,
			"debit_in_account_currency": 100 * (i + 1),
		}
		for i, c in enumerate(customers)
	]
	lines.append(
		{
			"account": frappe.get_cached_value("Company", company, "default_income_account"),
			"credit_in_account_currency": 600,
			"cost_center": frappe.get_cached_value("Company", company, "cost_center"),
		}
	)
	je = frappe.get_doc(
		{"doctype": "Journal Entry", "company": company, "posting_date": nowdate(), "accounts": lines}
	).insert()
	je.submit()
	with QueryCount() as refresh:
		books.settle()
	# one set-based refresh for the three customers, not one per journal line
	assert refresh.count <= 8 + compat.snapshot_guard_statements(), refresh.count
	for i, c in enumerate(customers):
		assert books.stored(c)["outstanding_amount"] == 100 * (i + 1)
	matches_books(*customers)


def test_process_payment_reconciliation_in_the_background(cust):
	from erpnext.accounts.doctype.process_payment_reconciliation import process_payment_reconciliation as ppr

	invoice = factories.sales_invoice(cust, 500, posting_date=add_days(nowdate(), -30), due_days=1)
	factories.advance_payment(cust, 500)
	company = factories.company()
	doc = frappe.get_doc(
		{
			"doctype": "Process Payment Reconciliation",
			"company": company,
			"party_type": "Customer",
			"party": cust,
			"receivable_payable_account": invoice.debit_to,
			"default_advance_account": invoice.debit_to,
		}
	).insert()
	doc.submit()
	# the jobs ERPNext queues, run here in order
	ppr.reconcile_based_on_filters(doc.name)
	ppr.fetch_and_allocate(doc.name)
	ppr.reconcile(doc.name)
	assert frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount") == 0
	assert books.stored(cust)["overdue_amount"] == 0
	matches_books(cust)


def test_repost_accounting_ledger_brings_the_figures_back(cust):
	settings = frappe.get_single("Repost Accounting Ledger Settings")
	if not any(r.document_type == "Sales Invoice" and r.allowed for r in settings.allowed_types):
		settings.append("allowed_types", {"document_type": "Sales Invoice", "allowed": 1})
		settings.save()
	invoice = factories.sales_invoice(cust, 450)
	gle = frappe.qb.DocType("GL Entry")
	# a damaged ledger, as a repost finds it: the invoice's postings are gone
	frappe.qb.from_(gle).delete().where(gle.voucher_no == invoice.name).run()
	from crm_pack.ledger import refresh

	refresh.recompute([cust])
	assert books.stored(cust)["total_billed"] == 0
	repost = frappe.get_doc(
		{
			"doctype": "Repost Accounting Ledger",
			"company": invoice.company,
			"delete_cancelled_entries": 1,
			"vouchers": [{"voucher_type": "Sales Invoice", "voucher_no": invoice.name}],
		}
	).insert()
	repost.submit()  # up to five vouchers are reposted at once, in this transaction
	assert books.stored(cust)["total_billed"] == 450
	matches_books(cust)
