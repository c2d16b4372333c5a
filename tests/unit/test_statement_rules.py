"""Statement of account and schedule rules (crm_pack/credit_control/rules/statement.py)."""

import datetime as dt

from crm_pack.credit_control.rules import statement as rules
from crm_pack.ledger.rules.figures import PLEGroup
from crm_pack.ledger.rules.running import running_balance

D = dt.date


def ple(voucher, amount, due=None, posted=None, vtype="Sales Invoice", return_against=None):
	return PLEGroup("Co", "Cust", vtype, voucher, return_against, amount, due, posted)


def test_default_period_is_start_of_last_month_to_today():
	assert rules.default_period(D(2026, 3, 15)) == (D(2026, 2, 1), D(2026, 3, 15))
	assert rules.default_period(D(2026, 1, 31)) == (D(2025, 12, 1), D(2026, 1, 31))


def test_add_months_clamps_to_the_month_end():
	assert rules.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
	assert rules.add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)
	assert rules.add_months(D(2026, 1, 15), -1) == D(2025, 12, 15)


def test_period_is_checked():
	assert rules.check_period(D(2026, 1, 1), D(2026, 1, 31)) == []
	assert rules.check_period(None, D(2026, 1, 31))[0].fieldname == "from_date"
	assert "after" in rules.check_period(D(2026, 2, 1), D(2026, 1, 31))[0].message


def test_running_balance_from_the_opening():
	r = running_balance(100, [{"debit": 50, "credit": 0}, {"debit": 0, "credit": 120}])
	assert [line["balance"] for line in r.lines] == [150, 30]
	assert (r.debit, r.credit, r.closing) == (50, 120, 30)


def test_compose_states_opening_postings_closing_and_ageing():
	postings = [
		{
			"posting_date": D(2026, 2, 3),
			"voucher_type": "Sales Invoice",
			"voucher_no": "INV-1",
			"debit": 300,
			"credit": 0,
		},
		{
			"posting_date": D(2026, 2, 10),
			"voucher_type": "Payment Entry",
			"voucher_no": "PE-1",
			"debit": 0,
			"credit": 100,
		},
		{
			"posting_date": D(2026, 2, 12),
			"voucher_type": "Sales Invoice",
			"voucher_no": "CN-1",
			"debit": 0,
			"credit": 50,
		},
	]
	vouchers = [
		ple("OLD", 200, due=D(2025, 12, 1), posted=D(2025, 11, 1)),
		ple("INV-1", 300, due=D(2026, 3, 5), posted=D(2026, 2, 3)),
		ple("INV-1", -100),
		# a credit note that reduces INV-1's outstanding is INV-1's
		ple("CN-1", -50, posted=D(2026, 2, 12), return_against="INV-1"),
	]
	s = rules.compose(200, postings, vouchers, D(2026, 2, 1), D(2026, 2, 28))
	assert s["opening"] == 200 and s["closing"] == 350
	assert (s["total_debit"], s["total_credit"]) == (300, 150)
	assert [line["balance"] for line in s["lines"]] == [500, 400, 350]
	assert [line["due_date"] for line in s["lines"]] == [D(2026, 3, 5), None, None]
	# OLD is 89 days past due on Feb 28 (61-90), INV-1 not yet due
	assert s["ageing"]["not_due"] == 150
	assert s["ageing"]["buckets"] == [0, 0, 200, 0, 0]
	assert s["ageing"]["total"] == 350 and s["ageing"]["overdue"] == 200
	assert s["ageing"]["labels"][0] == "0-30"


def test_schedule_is_checked():
	assert rules.check_schedule("Monthly", 1) == []
	assert {p.fieldname for p in rules.check_schedule("Weekly", 0)} == {"frequency", "day_of_period"}
	assert rules.check_schedule("Quarterly", 29)[0].fieldname == "day_of_period"


def test_a_run_states_the_whole_period_before_it():
	assert rules.period_for_run("Monthly", D(2026, 3, 1)) == (D(2026, 2, 1), D(2026, 2, 28))
	assert rules.period_for_run("Monthly", D(2026, 3, 20)) == (D(2026, 2, 1), D(2026, 2, 28))
	assert rules.period_for_run("Monthly", D(2026, 1, 5)) == (D(2025, 12, 1), D(2025, 12, 31))
	assert rules.period_for_run("Quarterly", D(2026, 5, 3)) == (D(2026, 1, 1), D(2026, 3, 31))
	assert rules.period_for_run("Quarterly", D(2026, 1, 1)) == (D(2025, 10, 1), D(2025, 12, 31))


def test_next_run_dates():
	assert rules.next_run_date("Monthly", 5, D(2026, 3, 5)) == D(2026, 4, 5)
	assert rules.next_run_date("Monthly", 5, D(2026, 3, 4)) == D(2026, 3, 5)
	assert rules.next_run_date("Monthly", 1, D(2026, 12, 31)) == D(2027, 1, 1)
	assert rules.next_run_date("Quarterly", 1, D(2026, 2, 10)) == D(2026, 4, 1)
	assert rules.next_run_date("Quarterly", 10, D(2026, 1, 9)) == D(2026, 1, 10)
	# a new schedule runs today when today is its day
	assert rules.first_run_date("Monthly", 5, D(2026, 3, 5)) == D(2026, 3, 5)


def test_chunks():
	assert rules.chunks(list("abcde"), 2) == [["a", "b"], ["c", "d"], ["e"]]
	assert rules.chunks([], 200) == []


def test_a_credit_dated_to_date_is_in_the_first_bucket_but_not_overdue():
	vouchers = [
		ple("OLD", 200, due=D(2026, 1, 10), posted=D(2026, 1, 1)),
		ple("PE-ADV", -25, posted=D(2026, 2, 28), vtype="Payment Entry"),
	]
	s = rules.compose(0, [], vouchers, D(2026, 2, 1), D(2026, 2, 28))
	assert s["ageing"]["buckets"][0] == -25 and s["ageing"]["buckets"][1] == 200  # as AR
	assert s["ageing"]["overdue"] == 200
