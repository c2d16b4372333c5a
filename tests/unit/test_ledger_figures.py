"""Ledger rules on hand-computed examples (no site needed)."""

import datetime as dt

from crm_pack.ledger.rules.figures import (
	GLGroup,
	OrderGroup,
	PLEGroup,
	ReceivableGroup,
	compute,
	gl_bucket,
	voucher_balances,
)

TODAY = dt.date(2026, 11, 23)


def gl(amount, *, ret=False, against_ret=False, opening=False, company="C1", party="A"):
	return GLGroup(company, party, ret, against_ret, opening, amount > 0, amount)


def ple(vt, vn, amount, *, due=None, posted=None, return_against=None, company="C1", party="A"):
	return PLEGroup(company, party, vt, vn, return_against, amount, due, posted)


def run(
	gl_groups=(), receivable=(), orders=(), last=(), currencies=None, home="USD", customers=("A",), rates=None
):
	return compute(customers, gl_groups, receivable, orders, last, currencies or {"C1": "USD"}, home, rates)


def overdue(groups):
	"""The receivable rule voucher by voucher: outstanding, and the part past due on TODAY."""
	from crm_pack.ledger.rules.ageing import age

	aged = age(voucher_balances(groups).values(), TODAY - dt.timedelta(days=1))
	return aged["total"], round(sum(aged["buckets"]), 2)


def test_gl_buckets_follow_customer_ledger_summary():
	assert gl_bucket(gl(100)) == "billed"
	assert gl_bucket(gl(-40)) == "paid"
	assert gl_bucket(gl(-30, ret=True)) == "returned"
	assert gl_bucket(gl(30, against_ret=True)) == "refunded"
	assert gl_bucket(gl(-5, against_ret=True)) == "billed"
	assert gl_bucket(gl(500, opening=True)) is None


def test_billed_is_net_of_returns_and_paid_counts_refunds_back():
	# invoice 1000, credit note 200, payment 500, refund of 50 on the credit note, opening 70
	f = run([gl(1000), gl(-200, ret=True), gl(-500), gl(50, against_ret=True), gl(70, opening=True)])["A"]
	assert f.total_billed == 800
	assert f.total_paid == 450


def test_outstanding_and_overdue_per_voucher():
	groups = [
		# overdue invoice, half paid: 300 open, due 2026-10-01
		ple("Sales Invoice", "SI-1", 300, due=dt.date(2026, 10, 1), posted=dt.date(2026, 9, 1)),
		# invoice not yet due
		ple("Sales Invoice", "SI-2", 200, due=dt.date(2026, 12, 31), posted=dt.date(2026, 11, 20)),
		# unallocated advance received last month: lowers what is overdue, as AR shows it
		ple("Payment Entry", "PE-9", -100, posted=dt.date(2026, 10, 5)),
		# a fully paid invoice contributes nothing
		ple("Sales Invoice", "SI-3", 0, due=dt.date(2026, 1, 1), posted=dt.date(2026, 1, 1)),
	]
	assert overdue(groups) == (400, 200)


def test_credit_note_postings_count_against_the_invoice_they_return():
	groups = [
		ple("Sales Invoice", "SI-1", 500, due=dt.date(2026, 12, 31), posted=dt.date(2026, 11, 1)),
		# a credit note that keeps its own outstanding, returning SI-1: past its own date, but SI-1's due date rules
		ple(
			"Sales Invoice",
			"SI-RET",
			-100,
			due=dt.date(2026, 11, 2),
			posted=dt.date(2026, 11, 2),
			return_against="SI-1",
		),
	]
	balances = voucher_balances(groups)
	assert balances == {
		("C1", "A", "Sales Invoice", "SI-1"): {"amount": 400, "entry_date": dt.date(2026, 12, 31)}
	}
	assert overdue(groups) == (400, 0)


def test_orders_open_value_excludes_closed_and_completed():
	orders = [
		OrderGroup("C1", "A", "To Deliver and Bill", 2, 1000, 600, dt.date(2026, 1, 5), dt.date(2026, 6, 1)),
		OrderGroup("C1", "A", "Closed", 1, 400, 400, dt.date(2025, 12, 1), dt.date(2025, 12, 1)),
		OrderGroup("C1", "A", "Completed", 1, 300, 0, dt.date(2026, 7, 1), dt.date(2026, 7, 1)),
	]
	f = run(orders=orders)["A"]
	assert (f.order_count, f.total_ordered, f.open_orders_amount) == (4, 1700, 600)
	assert (f.first_order_date, f.last_order_date) == (dt.date(2025, 12, 1), dt.date(2026, 7, 1))


def test_companies_in_another_currency_are_kept_apart():
	f = run(
		gl_groups=[gl(100, company="C1"), gl(900, company="C2")],
		currencies={"C1": "USD", "C2": "CNY"},
		last=[("C1", "A", dt.date(2026, 3, 1)), ("C2", "A", dt.date(2026, 5, 1))],
	)["A"]
	# no exchange rate for CNY: the headline keeps the USD company and says it is partial
	assert (f.total_billed, f.currency, f.headline_basis) == (100, "USD", "Partly Converted")
	assert f.companies["C2"].total_billed == 900 and f.companies["C2"].currency == "CNY"
	assert f.last_invoice_date == dt.date(2026, 5, 1)  # dates need no currency


def test_companies_in_several_currencies_are_converted_at_the_exchange_rate():
	f = run(
		gl_groups=[gl(100, company="C1"), gl(900, company="C2")],
		receivable=[ReceivableGroup("C1", "A", 40, 0, 1), ReceivableGroup("C2", "A", 700, 70, 2)],
		currencies={"C1": "USD", "C2": "CNY"},
		rates={"CNY": 0.14},
	)["A"]
	assert (f.currency, f.headline_basis) == ("USD", "Converted")
	assert (f.total_billed, f.outstanding_amount, f.overdue_amount) == (226, 138, 9.8)
	assert f.companies["C2"].outstanding_amount == 700  # each company stays in its own currency


def test_a_customer_billed_only_by_a_foreign_company_shows_its_figures():
	"""Not zeros: the headline is in the one currency the customer is billed in."""
	f = run(
		gl_groups=[gl(900, company="C2")],
		receivable=[ReceivableGroup("C2", "A", 900, 300, 1)],
		currencies={"C2": "EUR"},
	)["A"]
	assert (f.currency, f.headline_basis) == ("EUR", "One Currency")
	assert (f.total_billed, f.outstanding_amount, f.overdue_amount) == (900, 900, 300)


def test_rows_of_other_customers_are_ignored_and_customers_without_rows_are_zero():
	out = run(gl_groups=[gl(100, party="B")], customers=("A",))
	assert out["A"].total_billed == 0 and out["A"].companies == {}


def test_receivables_add_up_per_company_with_the_voucher_count():
	receivable = [ReceivableGroup("C1", "A", 400, 200, 3), ReceivableGroup("C2", "A", 50, 0, 2)]
	f = run(receivable=receivable, currencies={"C1": "USD", "C2": "USD"})["A"]
	assert (f.outstanding_amount, f.overdue_amount, f.voucher_count, f.company_count) == (450, 200, 5, 2)


def test_ageing_buckets_like_accounts_receivable():
	from crm_pack.ledger.rules.ageing import age, bucket_labels, parse_ranges

	rows = [
		{"amount": 100, "entry_date": TODAY},  # due today: age 0, first bucket
		{"amount": 200, "entry_date": TODAY - dt.timedelta(days=31)},
		{"amount": 50, "entry_date": TODAY - dt.timedelta(days=200)},
		{"amount": -30, "entry_date": TODAY - dt.timedelta(days=5)},  # unallocated payment
		{"amount": 70, "entry_date": TODAY + dt.timedelta(days=10)},  # not yet due
		{"amount": 0.001, "entry_date": TODAY},  # rounds to nothing
	]
	result = age(rows, TODAY, parse_ranges("30, 60, 90, 120"))
	assert result == {"not_due": 70, "buckets": [70, 200, 0, 0, 50], "total": 390}
	assert bucket_labels((30, 60)) == ["0-30", "31-60", "61-above"]
	assert parse_ranges("") == (30, 60, 90, 120)
