"""Payment behaviour, the worklist's next action and the ledger's late orders and credit
limit use, on hand-computed examples (no site needed)."""

import datetime as dt

import pytest

from crm_pack.credit_control.rules import behaviour, worklist
from crm_pack.ledger.rules.figures import (
	CreditLimitRow,
	GLGroup,
	LateOrderGroup,
	OrderGroup,
	compute,
	credit_limits_by_company,
	credit_used_percent,
)

TODAY = dt.date(2026, 12, 1)


def day(n: int) -> dt.date:
	"""n days before TODAY."""
	return TODAY - dt.timedelta(days=n)


def pay(paid_ago, invoiced_ago, amount, due_after=30, company="C1"):
	return behaviour.Allocation(
		company, day(paid_ago), day(invoiced_ago), day(invoiced_ago) + dt.timedelta(days=due_after), amount
	)


# --- days sales outstanding ----------------------------------------------------------------


def test_dso_is_receivable_over_billing_times_the_window():
	assert behaviour.dso(250, 1000, 365) == 91.2  # 250 / 1000 × 365 = 91.25
	assert behaviour.dso(0, 1000) == 0
	assert behaviour.dso(100, 0) is None  # nothing billed: not measurable
	assert behaviour.dso(-50, 1000) == 0  # a customer in credit owes nothing


def test_dso_over_companies_weighs_by_billing():
	# C1: 100 owed of 1000 billed (36.5 days), C2: 300 of 200 (547.5 days)
	# together 400 / 1200 × 365 = 121.67, not the plain mean of 292
	assert behaviour.weighted_dso([(100, 1000), (300, 200)]) == 121.7


# --- days to pay, trend, reliability ---------------------------------------------------------


def test_days_to_pay_is_weighted_by_amount():
	rows = [pay(10, 40, 300), pay(20, 30, 100)]  # 30 days for 300, 10 days for 100
	result = behaviour.payment_behaviour(rows, TODAY)
	assert result.avg_days_to_pay == 25.0  # (300×30 + 100×10) / 400
	assert result.paid_amount == 400


def test_trend_compares_the_last_90_days_with_the_90_before():
	rows = [
		pay(10, 50, 100),  # recent: 40 days
		pay(120, 140, 100),  # before: 20 days
		pay(150, 160, 100),  # before: 10 days
		pay(300, 310, 1000),  # in the year, outside both trend periods
	]
	result = behaviour.payment_behaviour(rows, TODAY)
	assert result.days_to_pay_trend == 25.0  # 40 − (20+10)/2
	# the year's average: (100×40 + 100×20 + 100×10 + 1000×10) / 1300
	assert result.avg_days_to_pay == round(17000 / 1300, 1)


def test_no_trend_without_payments_in_both_periods():
	assert behaviour.payment_behaviour([pay(10, 40, 100)], TODAY).days_to_pay_trend is None
	assert behaviour.payment_behaviour([], TODAY) == behaviour.PaymentBehaviour()


def test_payments_outside_the_window_do_not_count():
	assert behaviour.payment_behaviour([pay(400, 420, 100)], TODAY).avg_days_to_pay is None


def test_on_time_share_counts_amount_paid_by_the_due_date():
	rows = [pay(10, 40, 300, due_after=30), pay(5, 60, 100, due_after=30)]  # 300 on the due day, 100 late
	assert behaviour.payment_behaviour(rows, TODAY).on_time_share == 0.75


def test_figures_next_move_when_a_payment_or_billing_crosses_a_window_edge():
	day = dt.timedelta(days=1)
	paid_10_days_ago = TODAY - 10 * day
	# the payment leaves the recent 90 days first (trend), then the 90 before, then the year
	assert behaviour.next_change([paid_10_days_ago], [], TODAY) == paid_10_days_ago + 90 * day
	assert behaviour.next_change([TODAY - 100 * day], [], TODAY) == TODAY + 80 * day
	assert behaviour.next_change([TODAY - 200 * day], [], TODAY) == TODAY + 165 * day
	# a billing 300 days ago leaves the DSO window in 65 days; one dated ahead enters on its day
	assert behaviour.next_change([], [TODAY - 300 * day], TODAY) == TODAY + 65 * day
	assert behaviour.next_change([], [TODAY + 3 * day], TODAY) == TODAY + 3 * day
	# the earliest of them all; nothing in any window: the calendar alone changes nothing
	assert behaviour.next_change([TODAY - 100 * day], [TODAY - 300 * day], TODAY) == TODAY + 65 * day
	assert behaviour.next_change([TODAY - 400 * day], [TODAY - 400 * day], TODAY) is None


def test_next_change_agrees_with_the_figures_day_by_day():
	"""Walking the calendar: the figures stay put on every day before next_change."""
	rows = [pay(10, 40, 100), pay(120, 150, 50, due_after=10), pay(250, 300, 80, due_after=60)]
	billing = [TODAY - dt.timedelta(days=d) for d in (40, 150, 300)]
	day, moves = TODAY, 0
	while (upcoming := behaviour.next_change([r.payment_date for r in rows], billing, day)) is not None:
		assert upcoming > day
		figures = behaviour.payment_behaviour(rows, day)
		for offset in range(1, (upcoming - day).days):
			assert behaviour.payment_behaviour(rows, day + dt.timedelta(days=offset)) == figures
		day, moves = upcoming, moves + 1
	# past the last edge nothing counts any more, and nothing moves again
	assert behaviour.payment_behaviour(rows, day + dt.timedelta(days=500)) == behaviour.PaymentBehaviour()
	assert moves >= 6


def test_reliability_combines_on_time_and_promises_when_there_are_promises():
	assert behaviour.reliability(0.75, None, 0) == 75.0
	assert behaviour.reliability(0.75, 50, 0) == 75.0  # no resolved promise: the rate means nothing
	assert behaviour.reliability(0.75, 50, 2) == 67.5  # 0.7 × 75 + 0.3 × 50
	assert behaviour.reliability(None, 50, 2) == 50.0
	assert behaviour.reliability(None, None, 0) is None


def test_churn_signals_are_codes_with_arguments():
	reasons = behaviour.churn_signals(
		credit_used_percent=120, late_order_count=2, late_order_amount=500, payment_reliability=40
	)
	assert [template for template, _args in reasons] == [
		"Over the credit limit: {0}% of it in use.",
		"Late deliveries: {0} orders past their delivery date, {1} still to deliver.",
		"Unreliable payer: only {0}% paid on time or as promised.",
	]
	assert reasons[1][1] == (2, 500)
	assert behaviour.churn_signals(credit_used_percent=100, payment_reliability=0) == []


def test_churn_risk_takes_the_money_signals():
	from crm_pack.analytics.rules import churn

	pattern = churn.BuyingPattern(day(300), day(20), 10, 30.0, 6.0)
	plain = churn.risk(pattern, TODAY)
	strained = churn.risk(pattern, TODAY, extra_signals=behaviour.churn_signals(credit_used_percent=150))
	assert strained.score == round(min(100, plain.score + churn.ChurnSettings().signal_points), 1)
	assert strained.reasons[-1][0] == "Over the credit limit: {0}% of it in use."


# --- the worklist's next action ---------------------------------------------------------------


def row(**values):
	return worklist.WorklistRow(**{"overdue_amount": 100, "oldest_due_date": day(20), **values})


@pytest.mark.parametrize(
	"values, template",
	[
		({"disputed_amount": 100}, "Resolve the dispute of {0} first."),
		({"open_promise_amount": 50, "open_promise_date": day(-3)}, "Wait: {0} promised for {1}."),
		(
			{"open_promise_amount": 50, "open_promise_date": day(3)},
			"Call: the promise of {0} for {1} was not kept.",
		),
		(
			{"open_complaints": 1, "disputed_amount": 10},
			"Settle the open complaint with the relationship owner before chasing.",
		),
		(
			{"open_complaints": 2},
			"Settle the {0} open complaints with the relationship owner before chasing.",
		),
		(
			{"unallocated_credit": 100, "open_complaints": 1},
			"Allocate the unallocated {0} to the overdue invoices (Payment Reconciliation): paid, nothing to chase.",
		),
		({"unallocated_credit": 40, "last_contact": day(2)}, "Remind: overdue since {0}."),
		({"late_order_count": 2}, "Deliver the {0} late orders first, then call."),
		({}, "Call: never contacted about payment."),
		({"last_contact": day(9)}, "Call: no contact since {0}."),
		({"last_contact": day(2), "collection_level": 3}, "Escalate: follow-up level {0}."),
		({"last_contact": day(2)}, "Remind: overdue since {0}."),
	],
)
def test_next_action(values, template):
	assert worklist.next_action(row(**values), TODAY)[0] == template


def test_worklist_reads_largest_then_oldest_first():
	rows = [(100, day(5)), (300, day(1)), (100, day(50))]
	assert sorted(rows, key=lambda r: worklist.sort_key(*r)) == [(300, day(1)), (100, day(50)), (100, day(5))]
	assert worklist.days_overdue(day(12), TODAY) == 12
	assert worklist.days_overdue(None, TODAY) == 0


def test_call_outcomes_become_interactions():
	assert worklist.interaction_for_outcome("Promised to Pay") == ("Promise to Pay", "Open")
	assert worklist.interaction_for_outcome("Disputed") == ("Dispute", "Open")
	assert worklist.interaction_for_outcome("Call Back") == ("Payment Reminder", "Open")
	assert worklist.interaction_for_outcome("No Answer") == ("Payment Reminder", "Closed")
	assert worklist.check_call("Promised to Pay") == []
	assert worklist.check_call("Shouted")[0].fieldname == "call_outcome"


# --- late orders and credit limits in the ledger figures ------------------------------------


def figures(**kwargs):
	gl = [GLGroup("C1", "A", False, False, False, True, 700.0)]
	orders = [
		OrderGroup("C1", "A", "To Deliver and Bill", 2, 500.0, 400.0, day(30), day(10)),
		OrderGroup("C1", "A", "Closed", 1, 100.0, 100.0, day(60), day(60)),
	]
	return compute(("A",), gl, [], orders, [], {"C1": "USD", "C2": "USD"}, "USD", **kwargs)["A"]


def test_late_orders_per_company_and_in_total():
	result = figures(late_orders=[LateOrderGroup("C1", "A", 1, 150.0), LateOrderGroup("C2", "A", 2, 50.0)])
	assert (result.companies["C1"].late_order_count, result.companies["C1"].late_order_amount) == (1, 150.0)
	assert (result.late_order_count, result.late_order_amount) == (3, 200.0)


def test_credit_exposure_is_erpnext_customer_outstanding():
	# GL balance 700 + unbilled orders not Closed 400 (the Closed one's 100 is left out)
	# + unbilled deliveries without an order 50
	result = figures(
		unbilled_deliveries=[("C1", "A", 50.0)], credit_limits=[CreditLimitRow("C1", "A", False, False, 2000)]
	)
	c1 = result.companies["C1"]
	assert c1.credit_exposure == 1150.0
	assert c1.credit_limit == 2000
	assert c1.credit_used_percent == 57.5
	assert result.credit_used_percent == 57.5


def test_credit_limit_falls_back_as_erpnext_chooses_it():
	own = CreditLimitRow("C1", "A", False, False, 1000)
	own_zero = CreditLimitRow("C1", "A", False, False, 0)
	group = CreditLimitRow("C1", "A", True, False, 500)
	bypassed = CreditLimitRow("C1", "A", True, True, 500)
	assert credit_limits_by_company([group, own]) == {("A", "C1"): 1000}
	assert credit_limits_by_company([own_zero, group]) == {("A", "C1"): 500}
	assert credit_limits_by_company([bypassed]) == {}
	# no customer or group limit: the Company's own
	assert figures(company_credit_limits={"C1": 2200}).companies["C1"].credit_used_percent == 50.0


def test_credit_used_percent():
	assert credit_used_percent(1500, 1000) == 150.0
	assert credit_used_percent(1500, 0) == 0
	assert credit_used_percent(-20, 1000) == 0


def test_money_in_the_next_action_shows_with_its_currency():
	template, args = worklist.next_action(row(disputed_amount=1000, record_currency="EUR"), TODAY)
	from crm_pack import texts
	from crm_pack.problems import Money

	assert args == (Money(1000, "EUR"),)
	shown = texts.Renderer(lambda t: t, str, lambda n, k: f"{n:,.{k}f}", lambda a, c: f"{c} {a:,.2f}")
	assert shown(texts.encode([(template, args)])) == "Resolve the dispute of EUR 1,000.00 first."
