"""The backtest's pure rules on hand-computed examples (no site needed)."""

import datetime as dt

import pytest

from crm_pack.analytics.rules import backtest as bt
from crm_pack.analytics.rules import churn, clv
from crm_pack.credit_control.rules.behaviour import Allocation

D = dt.date(2026, 5, 31)  # the backtest day
TODAY = dt.date(2026, 12, 7)
SETTINGS = churn.ChurnSettings()


def ago(days: int) -> dt.date:
	return D - dt.timedelta(days=days)


def after(days: int) -> dt.date:
	return D + dt.timedelta(days=days)


def monthly(last: int, count: int = 6, net: float = 100.0) -> list[bt.Invoice]:
	"""`count` invoices 30 days apart, the last `last` days before D."""
	return [bt.Invoice(ago(last + 30 * i), net) for i in reversed(range(count))]


def test_month_ends_are_the_last_twelve_before_today_oldest_first():
	days = bt.month_ends(TODAY)
	assert len(days) == 12 and days[0] == dt.date(2025, 12, 31) and days[-1] == dt.date(2026, 11, 30)
	assert dt.date(2026, 2, 28) in days
	assert bt.month_ends(dt.date(2026, 12, 31))[-1] == dt.date(2026, 11, 30)  # not today itself


def test_a_quarter_later_is_the_month_end_three_months_on():
	assert bt.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
	assert bt.add_months(dt.date(2025, 12, 31), 2) == dt.date(2026, 2, 28)
	assert bt.add_months(dt.date(2026, 5, 31), 3) == dt.date(2026, 8, 31)


def test_an_invoice_counts_as_it_stood_on_the_day():
	assert bt.counted_on(bt.Invoice(D, 1), D)
	assert not bt.counted_on(bt.Invoice(after(1), 1), D)  # dated later
	assert bt.counted_on(bt.Invoice(ago(5), 1, cancelled_on=after(3)), D)  # cancelled later: it stood then
	assert not bt.counted_on(bt.Invoice(ago(5), 1, cancelled_on=D), D)  # cancelled that day
	assert not bt.counted_on(bt.Invoice(ago(5), 1, amended_on=after(2)), D)  # its original stood then
	assert bt.counted_on(bt.Invoice(ago(5), 1, amended_on=ago(1)), D)


def test_a_payment_counts_from_its_date_until_it_was_unlinked():
	paid = Allocation("C", ago(2), ago(20), ago(5), 100)
	assert bt.payment_counted_on(bt.Payment(paid), D)
	assert bt.payment_counted_on(bt.Payment(paid, delinked_on=after(1)), D)
	assert not bt.payment_counted_on(bt.Payment(paid, delinked_on=D), D)
	assert not bt.payment_counted_on(bt.Payment(Allocation("C", after(1), ago(20), ago(5), 100)), D)


def test_the_churn_level_then_uses_only_what_was_booked_by_then():
	# monthly buyer, last order 100 days before D: 70 days past a 30-day rhythm (spread 6) → High
	history = monthly(100)
	risk = bt.churn_on(history, [], [], D, SETTINGS)
	assert risk.level == churn.HIGH and risk.usual_interval_days == 30
	# an order after D changes nothing on D …
	assert bt.churn_on([*history, bt.Invoice(after(1), 100)], [], [], D, SETTINGS).score == risk.score
	# … and the same history scored by the live rules directly gives the same risk
	live = churn.assess(churn.BuyingHistory([i.day for i in history], [i.net for i in history]), D, SETTINGS)
	assert (live.level, live.score) == (risk.level, risk.score)
	# a return is not an order; a cancelled-later invoice still was one
	assert bt.churn_on([bt.Invoice(ago(3), -50, is_return=True)], [], [], D, SETTINGS) is None
	assert (
		bt.churn_on([bt.Invoice(ago(3), 50, cancelled_on=after(10))], [], [], D, SETTINGS).level == churn.NEW
	)


def test_medium_exactly_two_spreads_late_and_low_on_rhythm():
	assert bt.churn_on(monthly(42), [], [], D, SETTINGS).score == 50.0  # (42 − 30) / 6 = 2 spreads
	assert bt.churn_on(monthly(42), [], [], D, SETTINGS).level == churn.MEDIUM
	assert bt.churn_on(monthly(10), [], [], D, SETTINGS).level == churn.LOW


def test_an_unreliable_payer_gets_the_live_signal_then():
	# 300 paid 20 days after the due date, 100 on time: 25 % on time, below 50 %: +15 points
	# (0 % is "nothing measured" to the live rule, which raises nothing for it)
	late = [
		bt.Payment(Allocation("C", ago(10), ago(60), ago(30), 300)),
		bt.Payment(Allocation("C", ago(40), ago(60), ago(30), 100)),
	]
	base = bt.churn_on(monthly(10), [], [], D, SETTINGS)
	signalled = bt.churn_on(monthly(10), [], late, D, SETTINGS)
	assert signalled.score == round(base.score + 15, 1)
	# paid on time: 100 %: no signal; a threshold of 0 %: nobody is unreliable
	on_time = [bt.Payment(Allocation("C", ago(40), ago(60), ago(30), 100))]
	assert bt.churn_on(monthly(10), [], on_time, D, SETTINGS).score == base.score
	assert bt.churn_on(monthly(10), [], late, D, SETTINGS, low_reliability_percent=0.0).score == base.score


def test_reliability_then_ignores_later_payments():
	rows = [
		bt.Payment(Allocation("C", ago(10), ago(60), ago(30), 100)),  # late
		bt.Payment(Allocation("C", ago(40), ago(70), ago(35), 300)),  # on time
		bt.Payment(Allocation("C", after(5), ago(20), after(10), 1000)),  # later: not yet
	]
	assert bt.reliability_on(rows, D) == 75.0
	assert bt.reliability_on([], D) is None


def test_lapsed_when_no_order_within_the_interval_plus_grace():
	risk = bt.churn_on(monthly(10), [], [], D, SETTINGS)  # 30-day rhythm: horizon D + 60
	assert bt.lapsed(monthly(10), risk, D, TODAY, SETTINGS) is True
	assert bt.lapsed([*monthly(10), bt.Invoice(after(60), 1)], risk, D, TODAY, SETTINGS) is False
	assert bt.lapsed([*monthly(10), bt.Invoice(after(61), 1)], risk, D, TODAY, SETTINGS) is True
	# an order cancelled since is not a purchase that followed; a return is none either
	assert bt.lapsed([bt.Invoice(after(5), 1, cancelled_on=after(6))], risk, D, TODAY, SETTINGS) is True
	assert bt.lapsed([bt.Invoice(after(5), -1, is_return=True)], risk, D, TODAY, SETTINGS) is True
	# undecided while the horizon is ahead of today
	assert bt.lapsed(monthly(10), risk, D, after(59), SETTINGS) is None


def test_paid_late_judges_the_next_invoices_due_by_today():
	dues = [bt.Due(after(10), after(40), True), bt.Due(after(30), after(60), False)]
	assert bt.paid_late(dues, D, TODAY) is True
	assert bt.paid_late(dues[:1], D, TODAY) is False
	assert bt.paid_late([bt.Due(after(91), after(100), False)], D, TODAY) is None  # past the 90 days
	assert bt.paid_late([bt.Due(ago(1), after(30), False)], D, TODAY) is None  # before the day
	assert bt.paid_late(dues, D, after(41)) is False  # the second not due yet


def test_abc_stability_counts_who_kept_their_tier():
	# then: a A; b B (80 % before it); c C (95 % before it)
	assert bt.abc_stability({"a": 800, "b": 150, "c": 50}, {"a": 800, "b": 150, "c": 50}, 0.8, 0.95) == {
		"A": bt.Tally(1, 1),
		"B": bt.Tally(1, 1),
		"C": bt.Tally(1, 1),
	}
	# later (net of returns): c 900 → A, b 150 (900 of 1,150 before it: 78 %) → A, a 100 → B
	tallies = bt.abc_stability({"a": 800, "b": 150, "c": 50}, {"a": 100, "b": 150, "c": 900}, 0.8, 0.95)
	assert tallies == {"A": bt.Tally(1, 0), "B": bt.Tally(1, 0), "C": bt.Tally(1, 0)}


def test_figures_share_caught_and_lift():
	tallies = {"High": bt.Tally(10, 8), "Low": bt.Tally(30, 2), "New": bt.Tally(3, 2)}
	rows = {r["level"]: r for r in bt.figures(tallies, ("High", "Medium", "Low", "New"))}
	# base rate 12 / 43
	assert rows["High"]["share"] == 0.8 and rows["High"]["caught"] == pytest.approx(8 / 12)
	assert rows["High"]["lift"] == pytest.approx(0.8 / (12 / 43))
	assert rows["Low"]["share"] == pytest.approx(2 / 30)
	# too few customers: counts, no shares
	new = rows["New"]
	assert (new["customers"], new["outcomes"], new["share"], new["caught"], new["lift"]) == (
		3,
		2,
		None,
		None,
		None,
	)
	assert rows["Medium"]["customers"] == 0 and rows["Medium"]["share"] is None
	assert not bt.enough_history({"High": bt.Tally(19, 3)}) and bt.enough_history({"High": bt.Tally(20, 3)})


def test_suggest_catches_the_most_at_the_precision():
	thresholds = {50: bt.Tally(20, 12), 60: bt.Tally(12, 9), 70: bt.Tally(6, 5), 80: bt.Tally(3, 3)}
	assert bt.suggest(thresholds, 15, 0.5) == 50  # 12 caught at 60 %
	assert bt.suggest(thresholds, 15, 0.7) == 60  # 9 at 75 %
	assert bt.suggest(thresholds, 15, 0.9) == 80
	assert bt.suggest({50: bt.Tally(4, 1)}, 15, 0.5) is None
	# equal catches: the one flagging fewer
	assert bt.suggest({50: bt.Tally(10, 6), 60: bt.Tally(8, 6)}, 6, 0.5) == 60
	# thresholds the history cannot tell apart: the one nearest the setting, which then stays
	same = {t: bt.Tally(1, 1) for t in (10, 20, 50, 60, 100)}
	assert bt.suggest(same, 3, 0.5, current=50) == 50
	assert bt.suggest(same, 3, 0.5, current=55) == 50  # nearest (60 is as near: the lower wins)
	assert bt.suggest(same, 3, 0.5, current=90) == 100
	with pytest.raises(ValueError):
		bt.check_precision(0)


def test_settings_checks_and_levels_follow_the_high_threshold():
	assert bt.check_settings(70, 50) == []
	assert [p.fieldname for p in bt.check_settings(0, 0)] == [
		"churn_high_score",
		"unreliable_payer_below_percent",
	]
	assert bt.churn_settings(30).medium_score == 30 and bt.churn_settings(80).medium_score == 40


def _sales(month_end, revenue, cost=None, group="Services"):
	return bt.MonthSales(month_end, group, month_end.replace(day=1), month_end, revenue, cost)


def test_lifetime_value_then_and_the_margin_that_followed():
	settings = clv.CLVSettings(default_margin=0.2)
	sales = [
		_sales(dt.date(2025, 1, 31), 1000),  # no cost known: 20 % margin
		_sales(dt.date(2025, 6, 30), 1000, cost=700),  # cost known: 300
		_sales(dt.date(2025, 9, 30), 500),  # after the day: not in the prediction
	]
	day = dt.date(2025, 6, 30)
	# base profit 200 + 300 = 500 over 150 days of buying (a year at least): 500 a year; the first
	# year of the projection at 80 % retention and 10 % discount: 500 × 0.8 / 1.1
	assert bt.predicted_year(sales, day, settings, 0.8, 0.1) == round(500 * 0.8 / 1.1, 2)
	assert bt.predicted_year(sales, dt.date(2024, 12, 31), settings, 0.8, 0.1) is None
	assert bt.margin_between(sales, day, bt.add_months(day, 12), settings) == 100.0
	assert bt.clv_days(dt.date(2026, 12, 7))[-1] == dt.date(2025, 11, 30)
	assert len(bt.clv_days(dt.date(2026, 12, 7))) == 12


def test_the_top_fifth_by_predicted_value():
	levels = bt.value_levels(
		{"a": 10, "b": 50, "c": 30, "d": 0, "e": 20, "f": 5, "g": 1, "h": 2, "i": 3, "j": 4}
	)
	assert [n for n, lvl in levels.items() if lvl == bt.TOP_FIFTH] == ["b", "c"]
	assert bt.value_levels({"only": 1}) == {"only": bt.TOP_FIFTH}
