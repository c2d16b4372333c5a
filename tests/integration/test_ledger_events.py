"""Each ERPNext event moves the CRM Customer figures exactly as ERPNext's reports say."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_pack.ledger import refresh as ledger_sync
from crm_pack.ledger import store
from tests.integration import books, factories
from tests.integration.query_count import QueryCount


@pytest.fixture
def cust():
	return factories.customer()


def assert_matches_books(cust):
	assert books.stored(cust) == books.expected(cust, factories.company())


def test_invoice_submit_moves_billed_and_outstanding(cust):
	factories.sales_invoice(cust, 1000)
	assert books.stored(cust)["outstanding_amount"] == 1000
	assert_matches_books(cust)
	assert frappe.db.get_value("CRM Customer", cust, "last_invoice_date").isoformat() == nowdate()


def test_partial_payment_without_invoice_event(cust):
	invoice = factories.sales_invoice(cust, 1000)
	factories.payment(invoice, 400)
	assert books.stored(cust) == {
		"outstanding_amount": 600,
		"overdue_amount": 0,
		"total_billed": 1000,
		"total_paid": 400,
	}
	assert_matches_books(cust)


def test_overdue_follows_due_dates(cust):
	factories.sales_invoice(cust, 300, posting_date=add_days(nowdate(), -60), due_days=30)
	factories.sales_invoice(cust, 200)
	assert books.stored(cust)["overdue_amount"] == 300
	assert_matches_books(cust)


def test_cancel_returns_figures_to_zero(cust):
	invoice = factories.sales_invoice(cust, 500)
	invoice.cancel()
	assert books.stored(cust) == {
		"outstanding_amount": 0,
		"overdue_amount": 0,
		"total_billed": 0,
		"total_paid": 0,
	}


def test_amended_invoice_replaces_the_original(cust):
	invoice = factories.sales_invoice(cust, 500)
	amended = factories.amend(invoice)
	amended.reload()
	assert amended.amended_from == invoice.name
	assert books.stored(cust)["total_billed"] == 500
	assert_matches_books(cust)


def test_credit_note_reduces_billed_and_outstanding(cust):
	from crm_pack.ledger.queries import NO_RETURNS

	def parts():
		return frappe.db.get_value("CRM Customer", cust, "ledger_parts").split(",")

	invoice = factories.sales_invoice(cust, 100, qty=5)
	# no credit note yet: the next refresh reads the ledger without the return lookups...
	assert NO_RETURNS in parts()
	factories.credit_note(invoice, qty=2)
	# ...until the first one, which its own refresh reads in full
	assert NO_RETURNS not in parts()
	assert books.stored(cust)["total_billed"] == 300
	assert books.stored(cust)["outstanding_amount"] == 300
	assert_matches_books(cust)


def test_last_invoice_date_and_companies_follow_the_books_through_back_dated_and_empty_invoices(cust):
	"""A submit's refresh takes the last invoice date from the stored one and the invoices
	it submitted, without reading every invoice: at each step the record says what a full
	read of the books says."""
	today = frappe.utils.getdate(nowdate())
	eu = factories.eu_company()

	def invoice_dates():
		si = frappe.qb.DocType("Sales Invoice")
		return (
			frappe.qb.from_(si)
			.select(si.posting_date)
			.where((si.customer == cust) & (si.docstatus == 1) & (si.is_return == 0))
			.run(pluck=True)
		)

	def assert_as_the_books_say(last_invoice):
		books.settle()
		record = frappe.db.get_value(
			"CRM Customer", cust, [*store.HEADER_FIELDS, "ledger_companies"], as_dict=True
		)
		assert record.last_invoice_date == last_invoice == max(invoice_dates())
		full = store.read_figures([cust])[cust]  # every part of the ledger, every invoice
		assert record.last_invoice_date == full.last_invoice_date
		assert record.company_count == full.company_count
		assert set(record.ledger_companies.split(",")) == set(full.companies)

	first = factories.sales_invoice(cust, 100, posting_date=add_days(today, -10))
	assert_as_the_books_say(add_days(today, -10))
	factories.sales_invoice(cust, 100, posting_date=add_days(today, -30))  # back-dated
	assert_as_the_books_say(add_days(today, -10))
	factories.payment(first, 40)
	assert_as_the_books_say(add_days(today, -10))
	# nothing to post (no GL Entry, no Payment Ledger Entry), yet an invoice of a second company
	free = factories.invoice_in(eu, cust, 0, posting_date=add_days(today, -5))
	assert frappe.db.get_value("CRM Customer", cust, "company_count") == 2
	assert_as_the_books_say(add_days(today, -5))
	free.cancel()
	assert_as_the_books_say(add_days(today, -10))


def test_advance_then_reconcile_then_unreconcile(cust):
	invoice = factories.sales_invoice(cust, 800)
	advance = factories.advance_payment(cust, 300)
	assert books.stored(cust)["outstanding_amount"] == 500
	assert_matches_books(cust)

	# allocate the advance to the invoice with the Payment Reconciliation tool
	pr = frappe.get_doc(
		{
			"doctype": "Payment Reconciliation",
			"company": factories.company(),
			"party_type": "Customer",
			"party": cust,
			"receivable_payable_account": invoice.debit_to,
		}
	)
	pr.get_unreconciled_entries()
	invoices = [i.as_dict() for i in pr.invoices if i.invoice_number == invoice.name]
	payments = [p.as_dict() for p in pr.payments if p.reference_name == advance.name]
	pr.allocate_entries(frappe._dict(invoices=invoices, payments=payments))
	pr.reconcile()
	assert frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount") == 500
	assert_matches_books(cust)

	unreconcile = frappe.get_doc(
		{
			"doctype": "Unreconcile Payment",
			"company": factories.company(),
			"voucher_type": "Payment Entry",
			"voucher_no": advance.name,
		}
	)
	unreconcile.add_references()
	unreconcile.save()
	unreconcile.submit()
	assert frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount") == 800
	assert books.stored(cust)["outstanding_amount"] == 500
	assert_matches_books(cust)


def test_journal_entry_write_off_counts_as_paid(cust):
	invoice = factories.sales_invoice(cust, 250)
	company = factories.company()
	write_off = frappe.get_cached_value("Company", company, "write_off_account") or frappe.db.get_value(
		"Account", {"company": company, "root_type": "Expense", "is_group": 0}
	)
	factories.journal_credit(invoice, 50, against=True, contra_account=write_off)
	assert books.stored(cust)["outstanding_amount"] == 200
	assert_matches_books(cust)


def test_orders_open_value_and_closing(cust):
	order = factories.sales_order(cust, 100, qty=10)
	crm = frappe.get_doc("CRM Customer", cust)
	assert (crm.order_count, crm.total_ordered, crm.open_orders_amount) == (1, 1000, 1000)
	assert crm.first_order_date == crm.last_order_date == order.transaction_date

	half = factories.invoice_from_order(order, submit=False)
	half.items[0].qty = 4
	half.save()
	half.submit()
	books.settle()
	assert frappe.db.get_value("CRM Customer", cust, "open_orders_amount") == 600

	from erpnext.selling.doctype.sales_order.sales_order import update_status

	update_status("Closed", order.name)
	books.settle()
	assert frappe.db.get_value("CRM Customer", cust, "open_orders_amount") == 0
	update_status("Draft", order.name)
	books.settle()
	assert frappe.db.get_value("CRM Customer", cust, "open_orders_amount") == 600


def test_failed_update_never_blocks_the_invoice(cust, monkeypatch):
	def broken(*args, **kwargs):
		raise RuntimeError("injected fault")

	errors_before = frappe.db.count("Error Log")
	monkeypatch.setattr(store, "read_figures", broken)
	invoice = factories.sales_invoice(cust, 700)
	assert invoice.docstatus == 1
	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 1
	assert frappe.db.count("Error Log") == errors_before + 1
	monkeypatch.undo()

	assert ledger_sync.recompute_dirty(commit=False) >= 1
	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 0
	assert_matches_books(cust)


def test_recompute_all_reports_and_corrects_drift(cust):
	factories.sales_invoice(cust, 120)
	frappe.db.set_value("CRM Customer", cust, "outstanding_amount", 999)
	corrected = ledger_sync.recompute_all()
	assert {"customer": cust, "field": "outstanding_amount", "old": 999.0, "new": 120.0} in corrected
	assert books.stored(cust)["outstanding_amount"] == 120


def test_refresh_query_count_is_pinned_and_does_not_grow_with_invoices(cust):
	factories.sales_invoice(cust, 10)
	with QueryCount() as small:
		ledger_sync.refresh_in_transaction([cust])
	for _ in range(5):
		factories.sales_invoice(cust, 10)
	with QueryCount() as large:
		ledger_sync.refresh_in_transaction([cust])
	assert small.count == large.count
	assert large.count <= 12, large.count


def test_long_history_is_refreshed_after_commit_not_inside_the_submit(cust):
	for _ in range(3):
		factories.sales_invoice(cust, 10)
	assert frappe.db.get_value("CRM Customer", cust, "ledger_voucher_count") == 3
	settings = frappe.get_single("CRM Pack Settings")
	settings.sync_refresh_max_vouchers = 2
	settings.save()

	factories.sales_invoice(cust, 10)

	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 1
	assert books.stored(cust)["outstanding_amount"] == 30  # not refreshed inside the submit
	ledger_sync.recompute_dirty(commit=False)  # what the queued job / scheduler does
	assert books.stored(cust)["outstanding_amount"] == 40
	assert_matches_books(cust)


def _extra_submit_queries(cust) -> int:
	"""Queries of one invoice submit and its before-commit refresh, with crm_pack's hooks
	minus with them bypassed (as benchmarks/submit_overhead.py measures it)."""
	from crm_pack.ledger import events

	with_hooks = frappe.get_doc_hooks()
	bypassed = {
		doctype: {e: [m for m in ms if not m.startswith("crm_pack.")] for e, ms in evs.items()}
		for doctype, evs in with_hooks.items()
	}

	def submit_queries(hooks) -> int:
		frappe.local.doc_events_hooks = hooks
		try:
			doc = factories.sales_invoice(cust, 10, submit=False)
			with QueryCount() as q:
				doc.submit()
				events.flush()
			return q.count
		finally:
			frappe.local.doc_events_hooks = with_hooks

	return submit_queries(with_hooks) - submit_queries(bypassed)


def test_an_invoice_submit_costs_at_most_six_queries_more(cust):
	"""crm_pack's share of a submit (its events and the before-commit refresh) stays a few
	indexed queries, whatever the customer's history."""
	factories.sales_invoice(cust, 10)  # warm caches and the customer's record
	extra = _extra_submit_queries(cust)
	assert 0 < extra <= 6, extra


def test_a_long_history_submit_costs_at_most_six_queries_more(cust):
	"""Beyond the voucher limit (a customer with 100,000 invoices) the submit only marks the
	customer for the worker: still a few queries, none reading the history."""
	for _ in range(3):
		factories.sales_invoice(cust, 10)
	frappe.db.set_single_value("CRM Pack Settings", "sync_refresh_max_vouchers", 2)
	frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
	try:
		extra = _extra_submit_queries(cust)
		assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 1
	finally:
		frappe.db.rollback()
		frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
	assert 0 < extra <= 6, extra
