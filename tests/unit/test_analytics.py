"""Customer analytics on hand-computed examples (no site needed)."""

import datetime as dt

import pytest

from crm_pack.analytics.rules import abc, churn, clv, rfm
from crm_pack.analytics.rules.churn import BuyingHistory, ChurnSettings
from crm_pack.analytics.rules.clv import CLVInput, CLVSettings, GroupSales, PriceLine
from crm_pack.analytics.rules.rfm import Purchases

TODAY = dt.date(2026, 11, 23)


def ago(days: int) -> dt.date:
	return TODAY - dt.timedelta(days=days)


def rendered(template_and_args) -> str:
	template, args = template_and_args
	return template.format(*args)


# ABC ----------------------------------------------------------------------------------------------


def test_the_customer_that_crosses_80_percent_is_still_a():
	# shares before each customer: 0 → A, 60 % → A (it takes the total to 90 %), 90 % → B, 96 % → C
	tiers = abc.classify({"North": 60, "East": 30, "South": 6, "West": 4})
	assert tiers == {"North": "A", "East": "A", "South": "B", "West": "C"}


def test_a_customer_starting_exactly_at_80_percent_is_b():
	# before: 0 → A, 80/100 = 80 % is not below 80 % → B, 95 % is not below 95 % → C
	assert abc.classify({"X": 80, "Y": 15, "Z": 5}) == {"X": "A", "Y": "B", "Z": "C"}


def test_float_drift_does_not_promote_a_customer_sitting_on_the_limit():
	# 0.6 / 0.75 is exactly 80 %, though floats make it 0.7999999999999999
	assert abc.classify({"Big": 0.6, "Small": 0.15}) == {"Big": "A", "Small": "B"}


def test_equal_revenue_is_ordered_by_name_whatever_the_input_order():
	# 50 / 100 before the second: not below the 50 % A share
	assert abc.classify({"Beta": 50, "Alpha": 50}, a_share=0.5) == {"Alpha": "A", "Beta": "B"}
	assert abc.classify({"Alpha": 50, "Beta": 50}, a_share=0.5) == {"Alpha": "A", "Beta": "B"}


def test_returns_make_a_customer_c_without_shrinking_the_others_total():
	# total is 70 + 30 = 100 (the -50 is left out): Y starts at 70 % → A.
	# Against the net 50, Y would start at 140 % and fall to C.
	tiers = abc.classify({"X": 70, "Y": 30, "Returns": -50, "Idle": 0})
	assert tiers == {"X": "A", "Y": "A", "Returns": "C", "Idle": "C"}


def test_abc_edge_cases():
	assert abc.classify({}) == {}
	assert abc.classify({"Only": 10}) == {"Only": "A"}
	assert abc.classify({"P": 0, "Q": 0}) == {"P": "C", "Q": "C"}
	assert abc.classify({"OnlyReturns": -20}) == {"OnlyReturns": "C"}


def test_abc_shares_must_be_fractions_that_rise():
	with pytest.raises(ValueError, match="cannot be above"):
		abc.classify({"X": 1}, a_share=0.9, b_share=0.8)
	with pytest.raises(ValueError, match="from 0 to 1"):
		abc.classify({"X": 1}, a_share=80, b_share=95)  # percent given by mistake


def test_pareto_curve_runs_from_nothing_to_everything():
	# total 100: 60, 90, 100, 100 cumulative; the zero customer still counts as a customer
	curve = abc.pareto_curve({"A": 60, "B": 30, "C": 10, "D": 0})
	assert curve == [(0.0, 0.0), (0.25, 0.6), (0.5, 0.9), (0.75, 1.0), (1.0, 1.0)]
	# thinned to 3 points: positions 0, 2 and 4 of the 5
	assert abc.pareto_curve({"A": 60, "B": 30, "C": 10, "D": 0}, max_points=3) == [
		(0.0, 0.0),
		(0.5, 0.9),
		(1.0, 1.0),
	]


def test_pareto_curve_ignores_returns_and_is_empty_without_revenue():
	assert abc.pareto_curve({"A": 100, "R": -20}) == [(0.0, 0.0), (0.5, 1.0), (1.0, 1.0)]
	assert abc.pareto_curve({}) == []
	assert abc.pareto_curve({"A": 0, "R": -5}) == []


def test_concentration_reproduces_57_percent_from_12_percent():
	# 25 customers: 12 % of them is 3, bringing 3 × 190 = 570 of 1000
	revenue = {f"top{i}": 190 for i in range(3)}
	revenue |= {f"mid{i:02}": 20 for i in range(20)}
	revenue |= {"low1": 15, "low2": 15}
	assert sum(revenue.values()) == 1000
	assert abc.concentration(revenue) == pytest.approx(0.57)


def test_concentration_counts_a_fraction_of_the_next_customer():
	revenue = {"A": 40, "B": 30, "C": 20, "D": 10, "E": 0}
	# 30 % of 5 customers = 1.5: 40 + 0.5 × 30 = 55 of 100
	assert abc.concentration(revenue, 0.3) == pytest.approx(0.55)
	assert abc.concentration(revenue, 0) == 0
	assert abc.concentration(revenue, 1) == 1
	assert abc.concentration({}, 0.12) == 0
	assert abc.concentration({"R": -10}, 0.5) == 0
	with pytest.raises(ValueError):
		abc.concentration(revenue, 12)


def test_a_customers_without_a_relationship_owner_are_listed_by_name():
	tiers = {"X": "A", "Y": "A", "Z": "B", "W": "A", "V": "A"}
	owners = {"X": "anna@example.com", "Y": None, "Z": None, "W": ""}  # V has no record at all
	assert abc.a_without_owner(tiers, owners) == ["V", "W", "Y"]


# CLV ----------------------------------------------------------------------------------------------

FIRST = dt.date(2022, 1, 10)
SETTINGS = CLVSettings(default_margin=0.2, acquisition_cost=500, retention_cost=200, referral_share=0.1)


def hardware_store() -> CLVInput:
	return CLVInput(
		first_purchase=FIRST,
		last_purchase=dt.date(2025, 1, 9),  # one day short of 3 years: 2 full years
		sales=[
			GroupSales("Tools", FIRST, 10000, 7000),  # profit 3000
			GroupSales("Tools", FIRST, 1000, None),  # no cost known: 1000 × 20 % = 200
			GroupSales("Paint", dt.date(2023, 1, 10), 2000, 1500),  # 365 days later: not yet growth; 500
			GroupSales("Service", dt.date(2023, 1, 11), 3000, None),  # 366 days later: growth; 600
		],
		lines=[
			PriceLine(rate=110, price_list_rate=100, qty=5),  # +50
			PriceLine(rate=90, price_list_rate=100, qty=10),  # a discount takes nothing off
			PriceLine(rate=120, price_list_rate=0, qty=3),  # no list price: no premium known
			PriceLine(rate=110, price_list_rate=100, qty=-2),  # returned: -20
			PriceLine(rate=50, price_list_rate=None, qty=1),
		],
		referred=["Referred1", "Referred2", "Ghost"],
	)


def referred_customers() -> dict[str, CLVInput]:
	return {
		"Referred1": CLVInput(FIRST, FIRST, [GroupSales("Tools", FIRST, 5000, 4000)]),  # 1000
		"Referred2": CLVInput(FIRST, FIRST, [GroupSales("Tools", FIRST, -500, None)]),  # only returns: -100
	}


def test_clv_parts_of_a_customer():
	parts = clv.compute_all({"Store": hardware_store(), **referred_customers()}, SETTINGS)["Store"]
	assert parts.base_profit == 4300  # 3000 + 200 + 500 + 600
	assert parts.cross_sell_profit == 600  # Service only
	assert parts.service_cost_saving == 600  # 2 years × (500 - 200)
	assert parts.referral_value == 90  # (1000 - 100 + 0 for Ghost) × 10 %
	assert parts.price_premium == 30  # 50 - 20
	assert parts.total == 5620  # 4300 + 600 + 600 + 90 + 30


def test_clv_explains_each_part_in_a_sentence():
	parts = clv.compute_all({"Store": hardware_store(), **referred_customers()}, SETTINGS)["Store"]
	assert [rendered(e) for e in clv.explain(parts)] == [
		"Base profit 4300: revenue 12000 minus its cost 8500, plus 4000 of revenue at the default margin of 20%.",
		"Cross-selling profit 600: from item groups first bought after the first year: Service.",
		"Service cost saving 600: 2 full year(s) × (acquisition cost 500 − retention cost 200).",
		"Referral value 90: 10% of the base profit 900 of 3 referred customer(s).",
		"Price premium 30: paid above the price list on 2 invoice line(s).",
	]
	# the numbers travel as arguments, so the caller can translate the template and format money
	template, args = clv.explain(parts)[0]
	assert "{0}" in template and args[0] == 4300


def test_clv_of_a_customer_with_only_returns_is_negative_and_says_why():
	parts = clv.compute_all(referred_customers(), SETTINGS)["Referred2"]
	assert (parts.base_profit, parts.total) == (-100, -100)  # -500 × 20 %
	assert rendered(clv.explain(parts)[0]) == "Base profit -100: revenue -500 at the default margin of 20%."


def test_clv_of_a_customer_without_purchases_is_zero_in_every_part():
	parts = clv.compute(CLVInput(), SETTINGS)
	assert (parts.base_profit, parts.cross_sell_profit, parts.service_cost_saving) == (0, 0, 0)
	assert (parts.referral_value, parts.price_premium, parts.total) == (0, 0, 0)
	assert [rendered(e) for e in clv.explain(parts)] == [
		"Base profit 0: no purchases yet.",
		"Cross-selling profit 0: no item group was first bought after the first year.",
		"Service cost saving 0: 0 full year(s) × (acquisition cost 500 − retention cost 200).",
		"Referral value 0: no customers are recorded as referred by this one.",
		"Price premium 0: nothing was bought above the price list.",
	]


def test_all_costs_known_and_first_purchase_taken_from_the_sales():
	data = CLVInput(
		sales=[
			GroupSales("Tools", dt.date(2020, 5, 1), 1000, 600),  # 400
			GroupSales("Paint", dt.date(2022, 5, 1), 500, 300),  # 200, two years after 2020-05-01
		]
	)
	parts = clv.compute(data, SETTINGS)
	assert (parts.base_profit, parts.cross_sell_profit) == (600, 200)
	assert rendered(clv.explain(parts)[0]) == "Base profit 600: revenue 1500 minus cost 900."


def test_a_customer_referring_itself_earns_no_referral_value():
	data = CLVInput(FIRST, FIRST, [GroupSales("Tools", FIRST, 1000, 0)], referred=["Self"])
	assert clv.compute_all({"Self": data}, SETTINGS)["Self"].referral_value == 0


def test_referrals_turn_referred_by_around():
	referred_by = {"B": "A", "C": "A", "A": "A", "D": None, "E": "", "F": "B"}
	assert clv.referrals(referred_by) == {"A": ["B", "C"], "B": ["F"]}


def test_full_years_between_first_and_last_purchase():
	assert clv.full_years(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 0
	assert clv.full_years(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) == 1
	assert clv.full_years(dt.date(2020, 6, 1), dt.date(2026, 6, 1)) == 6
	assert clv.full_years(dt.date(2026, 6, 1), dt.date(2020, 6, 1)) == 0  # dates the wrong way round
	assert clv.full_years(None, dt.date(2020, 6, 1)) == 0


def test_clv_settings_are_checked():
	with pytest.raises(ValueError, match="default_margin"):
		CLVSettings(default_margin=20)  # percent given by mistake
	with pytest.raises(ValueError, match="cannot be negative"):
		CLVSettings(retention_cost=-1)


def test_projected_value_discounts_and_retains():
	# r / (1 + d) = 0.8 / 1.1 = 8/11: 1000 × (8/11 + 64/121 + 512/1331) = 1000 × 2184/1331 = 1640.87
	assert clv.projected(1000, 0.8, 0.1, 3) == 1640.87
	assert clv.projected(1000, 1, 0, 5) == 5000  # always stays, money keeps its value
	assert clv.projected(1000, 0.8, 0.1, 0) == 0
	assert clv.projected(1000, 0, 0.1, 10) == 0  # never comes back


@pytest.mark.parametrize(
	("r", "d", "years", "message"),
	[
		(1.2, 0.1, 3, "Retention probability must be from 0 to 1, not 1.2."),
		(0.8, -1, 3, "Discount rate must be above -1"),
		(0.8, 0.1, -1, "Years must be a whole number"),
		(0.8, 0.1, 2.5, "Years must be a whole number"),
	],
)
def test_projected_value_rejects_impossible_inputs(r, d, years, message):
	with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
		clv.projected(1000, r, d, years)


# Churn --------------------------------------------------------------------------------------------


def every(gap_days: list[int], last_ago: int) -> list[dt.date]:
	"""Order dates with these gaps between them, the last one `last_ago` days before TODAY."""
	dates = [ago(last_ago)]
	for gap in reversed(gap_days):
		dates.insert(0, dates[0] - dt.timedelta(days=gap))
	return dates


def test_a_monthly_buyer_silent_for_140_days_is_high_risk_in_words():
	# interval 30, spread = floor 20 % × 30 = 6; z = (140 - 30) / 6 = 18.3 → 100
	risk = churn.assess(BuyingHistory(every([30, 30, 30, 30], 140)), TODAY)
	assert (risk.score, risk.level) == (100.0, "High")
	assert (
		rendered(risk.reasons[0])
		== "No order since 2026-07-06; this customer usually orders every 30 days (±6)."
	)


def test_a_monthly_buyer_on_time_is_low_risk():
	# z = (30 - 30) / 6 = 0 → 100 / (1 + e²) = 11.9
	risk = churn.assess(BuyingHistory(every([30, 30, 30, 30], 30)), TODAY)
	assert (risk.score, risk.level) == (11.9, "Low")
	assert (
		rendered(risk.reasons[0])
		== "Last order on 2026-10-24; this customer usually orders every 30 days (±6)."
	)
	assert risk.next_order_expected == ago(0)  # last order + 30 days
	assert (risk.days_since_last_order, risk.usual_interval_days, risk.spread_days) == (30, 30, 6)


def test_each_customer_is_measured_against_its_own_rhythm():
	# annual buyer, 200 days: z = (200 - 365) / 73 = -2.26 → 1.4; a fixed 90-day rule would flag it
	annual = churn.assess(BuyingHistory(every([365, 365, 365], 200)), TODAY)
	# monthly buyer, 60 days: z = (60 - 30) / 6 = 5 → 100 / (1 + e⁻³) = 95.3; the 90-day rule would not
	monthly = churn.assess(BuyingHistory(every([30, 30, 30], 60)), TODAY)
	assert (annual.score, annual.level) == (1.4, "Low")
	assert (monthly.score, monthly.level) == (95.3, "High")


def test_two_spreads_late_is_the_midpoint_of_the_score():
	# z = (42 - 30) / 6 = 2 → 50: Medium (from 40), not High (from 70)
	risk = churn.assess(BuyingHistory(every([30, 30, 30], 42)), TODAY)
	assert (risk.score, risk.level) == (50.0, "Medium")


def test_one_long_gap_does_not_stretch_the_rhythm():
	# gaps 20 30 40 30 100: median 30; deviations 10 0 10 0 70 → median 10 (above the floor of 6)
	# z = (50 - 30) / 10 = 2 → 50
	risk = churn.assess(BuyingHistory(every([20, 30, 40, 30, 100], 50)), TODAY)
	assert risk.score == 50.0
	assert (
		rendered(risk.reasons[0])
		== "No order since 2026-10-04; this customer usually orders every 30 days (±10)."
	)


def test_two_orders_give_the_single_gap_and_the_floor():
	# interval 40, spread 20 % × 40 = 8; z = (56 - 40) / 8 = 2 → 50
	risk = churn.assess(BuyingHistory(every([40], 56)), TODAY)
	assert (risk.score, risk.level) == (50.0, "Medium")
	assert rendered(risk.reasons[0]) == "No order since 2026-09-28; its two orders so far were 40 days apart."


def test_orders_on_the_same_day_are_one_buying_day():
	# two orders on each of two days 30 days apart: a 30-day rhythm, not gaps of 0, 30, 0
	risk = churn.assess(BuyingHistory([ago(60), ago(60), ago(30), ago(30)]), TODAY)
	assert (risk.usual_interval_days, risk.score) == (30, 11.9)
	# three orders on a single day are still a single order as far as rhythm goes
	assert churn.assess(BuyingHistory([ago(10)] * 3), TODAY).level == "New"


def test_a_single_order_is_new_for_90_days_then_one_off():
	# against the default interval 90 with spread 18: z = 0 → 11.9; z = 1/18 → 12.5; z = 90/18 = 5 → 95.3
	new = churn.assess(BuyingHistory([ago(90)]), TODAY)
	assert (new.score, new.level) == (11.9, "New")
	assert rendered(new.reasons[0]) == "First order on 2026-08-25; too early to know this customer's rhythm."
	assert churn.assess(BuyingHistory([ago(91)]), TODAY).score == 12.5
	one_off = churn.assess(BuyingHistory([ago(180)]), TODAY)
	assert (one_off.score, one_off.level) == (95.3, "One-off")
	assert rendered(one_off.reasons[0]) == (
		"Only one order, on 2026-05-27; customers are expected to reorder within 90 days."
	)


def test_a_customer_without_orders_is_new_with_no_risk():
	risk = churn.assess(BuyingHistory(), TODAY)
	assert (risk.score, risk.level, risk.reasons) == (0.0, "New", [("No orders yet.", ())])


MONTHLY_42 = every([30] * 5, 42)  # 6 orders, z = 2 → 50


def test_shrinking_baskets_raise_the_risk_and_say_so():
	# last 3 average 60 < 70 % of the earlier 100: 50 + 15 = 65
	risk = churn.assess(BuyingHistory(MONTHLY_42, [100, 100, 100, 60, 60, 60]), TODAY)
	assert (risk.score, risk.level) == (65.0, "Medium")
	assert (
		rendered(risk.reasons[1]) == "Recent orders are smaller: the last 3 averaged 60, against 100 before."
	)


def test_baskets_at_70_percent_or_with_too_few_orders_are_no_signal():
	assert churn.assess(BuyingHistory(MONTHLY_42, [100, 100, 100, 70, 70, 70]), TODAY).score == 50.0
	five = every([30] * 4, 42)
	assert churn.assess(BuyingHistory(five, [100, 100, 10, 10, 10]), TODAY).score == 50.0
	# earlier baskets that net to nothing (returns) give no level to shrink from
	assert churn.assess(BuyingHistory(MONTHLY_42, [-50, 50, 0, -10, -10, -10]), TODAY).score == 50.0


def test_slower_payment_raises_the_risk_and_both_signals_make_it_high():
	# last 3 invoices took 25 days, earlier ones 10: 15 > 10 days slower; 50 + 15 + 15 = 80
	history = BuyingHistory(MONTHLY_42, [100, 100, 100, 60, 60, 60], [10, 10, 10, 25, 25, 25])
	risk = churn.assess(history, TODAY)
	assert (risk.score, risk.level, len(risk.reasons)) == (80.0, "High", 3)
	assert rendered(risk.reasons[2]) == (
		"Paying more slowly: the last 3 invoices took 25 days on average to pay, against 10 days before."
	)
	# exactly 10 days slower, or fewer than 6 payments: no signal
	assert churn.assess(BuyingHistory(MONTHLY_42, (), [10, 10, 10, 20, 20, 20]), TODAY).score == 50.0
	assert churn.assess(BuyingHistory(MONTHLY_42, (), [10, 10, 40, 40, 40]), TODAY).score == 50.0


def test_the_score_never_passes_100():
	history = BuyingHistory(every([30] * 5, 140), [100, 100, 100, 10, 10, 10], [0, 0, 0, 60, 60, 60])
	assert churn.assess(history, TODAY).score == 100.0


def test_datetimes_and_iso_strings_count_as_their_days():
	as_dates = churn.assess(BuyingHistory(every([30, 30], 42)), TODAY)
	as_datetimes = churn.assess(
		BuyingHistory([dt.datetime.combine(d, dt.time(17, 30)) for d in every([30, 30], 42)]),
		dt.datetime.combine(TODAY, dt.time(8, 0)),
	)
	as_strings = churn.assess(BuyingHistory([d.isoformat() for d in every([30, 30], 42)]), TODAY)
	assert as_dates == as_datetimes == as_strings


def test_an_order_dated_after_today_is_not_lateness():
	risk = churn.assess(BuyingHistory([ago(40), ago(10), TODAY + dt.timedelta(days=20)]), TODAY)
	assert risk.days_since_last_order == 0


def test_levels_follow_the_settings():
	# the same 50 is High when High starts at 50
	settings = ChurnSettings(medium_score=30, high_score=50)
	assert churn.assess(BuyingHistory(every([30, 30, 30], 42)), TODAY, settings).level == "High"
	with pytest.raises(ValueError):
		ChurnSettings(medium_score=80, high_score=70)
	with pytest.raises(ValueError):
		ChurnSettings(default_interval_days=0)


def test_assess_all_keeps_every_customer():
	risks = churn.assess_all(
		{
			"Late": BuyingHistory(every([30, 30, 30], 140)),
			"Fresh": BuyingHistory([ago(5)]),
			"None": BuyingHistory(),
		},
		TODAY,
	)
	assert {name: r.level for name, r in risks.items()} == {"Late": "High", "Fresh": "New", "None": "New"}
	assert churn.assess_all({}, TODAY) == {}


# RFM ----------------------------------------------------------------------------------------------


def test_quintiles_give_two_customers_of_ten_each_score():
	# score = 1 + ⌊5 × (customers strictly below) / 9⌋: 0,1 → 1; 2,3 → 2; 4,5 → 3; 6,7 → 4; 8,9 → 5
	assert list(rfm.quintiles({f"c{i}": i for i in range(10)}).values()) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_tied_customers_share_the_score_of_the_lowest_place():
	# seven one-time buyers: nobody is below them → 1; 2 orders: 7 below → 1 + ⌊35/9⌋ = 4; 3 and 5 → 5
	orders = {f"once{i}": 1 for i in range(7)} | {"twice": 2, "thrice": 3, "often": 5}
	scores = rfm.quintiles(orders)
	assert {scores[f"once{i}"] for i in range(7)} == {1}
	assert (scores["twice"], scores["thrice"], scores["often"]) == (4, 5, 5)


def test_a_measure_that_separates_nobody_scores_the_middle():
	assert rfm.quintiles({"A": 7, "B": 7}) == {"A": 3, "B": 3}
	assert rfm.quintiles({"Only": 1}) == {"Only": 3}
	assert rfm.quintiles({}) == {}


def test_rfm_scores_and_segments():
	customers = {
		"Ace": Purchases(ago(2), 20, 50000),
		"Bea": Purchases(ago(10), 8, 9000),
		"Cy": Purchases(ago(40), 1, 300),
		"Dee": Purchases(ago(200), 12, 20000),
		"Eve": Purchases(ago(400), 1, 100),
		"Prospect": Purchases(None, 0, 0),
		"OnlyReturns": Purchases(None, 0, -200),
	}
	scores = rfm.score(customers, TODAY)
	# 5 buyers, 1 + ⌊5 × below / 4⌋. R by days (fewer is better): Ace 5, Bea 4, Cy 3, Dee 2, Eve 1.
	# F: Ace 20 → 5, Dee 12 → 4, Bea 8 → 3, Cy and Eve tie at 1 → 1. M: 5, 3, 2, 4, 1.
	assert {n: (s.code, s.segment) for n, s in scores.items()} == {
		"Ace": ("555", "Champions"),
		"Bea": ("433", "Potential Loyalists"),
		"Cy": ("312", "About to Sleep"),
		"Dee": ("244", "At Risk"),
		"Eve": ("111", "Lost"),
	}
	assert scores["Dee"].recency_days == 200


def test_net_returns_score_lowest_on_money():
	customers = {
		"Buyer": Purchases(ago(10), 2, 500),
		"Small": Purchases(ago(10), 2, 50),
		"Returner": Purchases(dt.datetime.combine(ago(10), dt.time(9)), 2, -80),
	}
	# R and F tie everywhere → 3 (Need Attention); M: -80 → 1, 50 → 1 + ⌊5/2⌋ = 3, 500 → 5
	scores = rfm.score(customers, TODAY)
	assert {n: s.code for n, s in scores.items()} == {"Buyer": "335", "Small": "333", "Returner": "331"}
	assert {s.segment for s in scores.values()} == {"Need Attention"}
	assert rfm.score({}, TODAY) == {}


def test_segment_grid_covers_every_score_once():
	for r in range(1, 6):
		for f in range(1, 6):
			cells = [s for s in rfm.SEGMENTS if s[0] <= r <= s[1] and s[2] <= f <= s[3]]
			assert len(cells) == 1, (r, f)
	grid = {
		(5, 5): "Champions",
		(3, 4): "Loyal Customers",
		(4, 2): "Potential Loyalists",
		(5, 1): "New Customers",
		(4, 1): "Promising",
		(3, 3): "Need Attention",
		(3, 2): "About to Sleep",
		(2, 3): "At Risk",
		(1, 5): "Can't Lose Them",
		(2, 2): "Hibernating",
		(1, 2): "Hibernating",
		(1, 1): "Lost",
	}
	assert {cell: rfm.segment(*cell) for cell in grid} == grid
	with pytest.raises(ValueError):
		rfm.segment(0, 6)


def test_share_of_wallet_is_not_capped():
	assert rfm.share_of_wallet(4500, 10000) == 0.45
	assert rfm.share_of_wallet(12000, 10000) == 1.2  # the estimate is too low: shown, not hidden
	assert rfm.share_of_wallet(-1000, 10000) == -0.1  # returns exceeded billing
	assert rfm.share_of_wallet(4500, None) is None
	assert rfm.share_of_wallet(4500, 0) is None


def test_a_stored_pattern_scores_as_the_history_would_on_any_later_day():
	"""The nightly run scores from the pattern stored when the ledger last changed."""
	history = BuyingHistory(MONTHLY_42, [100, 100, 100, 60, 60, 60], [10, 10, 10, 30, 30, 30])
	stored_pattern = churn.pattern(history)
	for later in (0, 15, 60, 400):
		day = TODAY + dt.timedelta(days=later)
		assert churn.risk(stored_pattern, day) == churn.assess(history, day)
	assert churn.risk(churn.pattern(BuyingHistory()), TODAY).level == "New"


def test_a_customer_new_by_the_churn_rule_is_a_new_customer_in_rfm():
	"""Most customers of a young site bought today: ties would put them 'About to Sleep'."""
	today = dt.date(2026, 12, 1)
	customers = {
		"first-today": Purchases(today, 1, 100.0),
		"regular": Purchases(today, 6, 900.0),
		"lapsed": Purchases(today - dt.timedelta(days=200), 3, 300.0),
		"also-today": Purchases(today, 1, 50.0),
	}
	plain = rfm.score(customers, today)
	aligned = rfm.score(customers, today, new={"first-today", "also-today"})
	assert plain["first-today"].segment != rfm.NEW_CUSTOMERS  # the contradiction being fixed
	assert aligned["first-today"].segment == aligned["also-today"].segment == rfm.NEW_CUSTOMERS
	assert aligned["regular"].segment == plain["regular"].segment
	assert aligned["first-today"].code == plain["first-today"].code  # scores unchanged, only the name


def _stored_risk(risk: churn.ChurnRisk) -> tuple:
	"""What the nightly run stores of a churn risk: whole points, level, reasons."""
	return round(risk.score), risk.level, risk.reasons


def _patterns():
	"""Every kind of buyer: none, one order (New, then One-off), rhythms short and long,
	with and without signal points, an order dated ahead."""
	yield churn.BuyingPattern()
	yield churn.BuyingPattern(TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=20), 1)
	yield churn.BuyingPattern(TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=400), 1)
	for interval, spread, points, last in (
		(30.0, 6.0, 0.0, 20),
		(30.5, 6.1, 15.0, 0),
		(7.0, 1.4, 30.0, 3),
		(365.0, 120.0, 0.0, 200),
		(90.0, 40.0, 15.0, -5),  # the last order dated five days ahead
		(1.0, 1.0, 0.0, 1),
	):
		yield churn.BuyingPattern(
			TODAY - dt.timedelta(days=last + 3 * interval),
			TODAY - dt.timedelta(days=last),
			4,
			interval,
			spread,
			points,
			(("Recent orders are smaller.", ()),) if points else (),
		)


@pytest.mark.parametrize("extra", [0, 1, 2])
@pytest.mark.parametrize("settings", [ChurnSettings(), ChurnSettings(high_score=55, new_customer_days=30)])
def test_next_change_agrees_with_the_churn_risk_day_by_day(extra, settings):
	"""Walking the calendar: what is stored of the churn risk stays put on every day before
	next_change, and moves on that day in all but a few (it is taken early, never late)."""
	signals = [("Over the credit limit: {0}% of it in use.", (120 + i,)) for i in range(extra)]
	nights = unchanged = 0
	for pattern in _patterns():
		day = TODAY
		while (upcoming := churn.next_change(pattern, day, settings, extra)) is not None:
			assert upcoming > day
			stored = _stored_risk(churn.risk(pattern, day, settings, signals))
			for offset in range(1, (upcoming - day).days):
				assert (
					_stored_risk(churn.risk(pattern, day + dt.timedelta(days=offset), settings, signals))
					== stored
				)
			nights += 1
			unchanged += _stored_risk(churn.risk(pattern, upcoming, settings, signals)) == stored
			day = upcoming
		# nothing moves again
		stored = _stored_risk(churn.risk(pattern, day, settings, signals))
		for offset in (1, 30, 400, 4000):
			assert (
				_stored_risk(churn.risk(pattern, day + dt.timedelta(days=offset), settings, signals))
				== stored
			)
	assert nights > 100 and unchanged < nights / 10


def test_next_change_names_the_day_a_customer_becomes_overdue_or_one_off():
	monthly = churn.BuyingPattern(
		TODAY - dt.timedelta(days=100), TODAY - dt.timedelta(days=10), 4, 30.0, 30.0
	)
	# a wide spread: the score creeps, so the next move is a whole point, well before overdue
	assert churn.next_change(monthly, TODAY) < TODAY + dt.timedelta(days=21)
	# no orders: nothing ever moves; a first order 20 days ago: New until day 90 at the latest
	assert churn.next_change(churn.BuyingPattern(), TODAY) is None
	first = churn.BuyingPattern(TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=20), 1)
	assert churn.next_change(first, TODAY) <= TODAY + dt.timedelta(days=71)
