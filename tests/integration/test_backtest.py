"""The backtest on a site with a known history: customers who lapse and who keep buying, late
and punctual payers, every figure computed by hand; and the guard that nothing dated after a
backtest day is read for that day."""

import frappe
import pytest
from frappe.utils import add_days, getdate

from crm_pack.analytics import backtest, history
from crm_pack.analytics.rules import backtest as rules
from tests.integration import factories
from tests.integration.backtest_history import backtest_day, buyers, day, monthly, payers, today


def counts(tallies, score, level):
	t = tallies.get((score, backtest_day(), level), rules.Tally())
	return t.customers, t.outcomes


def test_churn_and_abc_backtest_give_the_figures_computed_by_hand():
	names = buyers(frappe.generate_hash(length=6))
	tallies = backtest.compute(list(names.values()), today(), [day(0), rules.add_months(day(0), 3)])
	# on D: High = the two lapsers (70 days late, score ~100) and the late returner (95.3);
	# Medium = slipping (score 50); Low = the keepers. Lapsed = no order by D + 30 + 30 days.
	assert counts(tallies, backtest.CHURN, "High") == (3, 2)
	assert counts(tallies, backtest.CHURN, "Medium") == (1, 1)
	assert counts(tallies, backtest.CHURN, "Low") == (2, 0)
	assert counts(tallies, backtest.CHURN, "New") == (0, 0)
	# the thresholds: everyone with a rhythm; from 50 slipping too; 55 to 95 the three High
	assert counts(tallies, backtest.CHURN_THRESHOLD, backtest.ALL) == (6, 3)
	assert counts(tallies, backtest.CHURN_THRESHOLD, "50") == (4, 3)
	assert counts(tallies, backtest.CHURN_THRESHOLD, "55") == (3, 2)
	assert counts(tallies, backtest.CHURN_THRESHOLD, "95") == (3, 2)
	# ABC on D (net revenue then 3,000 / 600 / 60 × 4): A = lapser_big and keeper_big (3,000 of
	# 3,840 before it = 78 %), B = keeper (first of the 60s by name, 94 % before it), C = the rest.
	# A quarter later keeper_big 800, keeper 80, late_returner 70: everyone kept their tier.
	assert counts(tallies, backtest.ABC, "A") == (2, 2)
	assert counts(tallies, backtest.ABC, "B") == (1, 1)
	assert counts(tallies, backtest.ABC, "C") == (3, 3)


def test_payment_reliability_backtest_gives_the_figures_computed_by_hand():
	names = payers(frappe.generate_hash(length=6))
	tallies = backtest.compute(list(names.values()), today(), [day(0), rules.add_months(day(0), 3)])
	# on D: late paid everything 20 days late (0 %: Unreliable), punctual and turned_late 100 %
	# (Reliable), unpaid had paid nothing yet. After D: punctual on time; the others late.
	assert counts(tallies, backtest.PAYMENT, backtest.UNRELIABLE) == (1, 1)
	assert counts(tallies, backtest.PAYMENT, backtest.RELIABLE) == (2, 1)
	assert counts(tallies, backtest.PAYMENT, rules.NOT_MEASURED) == (1, 1)
	assert counts(tallies, backtest.RELIABILITY_THRESHOLD, backtest.ALL) == (4, 3)
	# below 10 % … below 100 %: only the late payer (the others are at exactly 100 %)
	assert counts(tallies, backtest.RELIABILITY_THRESHOLD, "10") == (1, 1)
	assert counts(tallies, backtest.RELIABILITY_THRESHOLD, "100") == (1, 1)


def test_no_row_dated_after_the_backtest_day_is_read_for_that_day():
	tag = frappe.generate_hash(length=6)
	lapser = factories.customer(f"Backtest {tag} guard")
	monthly(lapser, 100, last=100)
	payer = factories.customer(f"Backtest {tag} guard payer")
	inv = factories.sales_invoice(payer, 200, posting_date=day(-60), due_days=30)
	factories.payment(inv, amount=100, posting_date=day(-40))  # half on time
	late = factories.sales_invoice(payer, 100, posting_date=day(-50), due_days=10)
	factories.payment(late, posting_date=day(-5))  # paid 35 days late
	names = [lapser, payer]

	def on_d():
		replayed = {
			name: (risk.level, risk.score, reliability, lapsed)
			for name, when, risk, lapsed, reliability, _late, _net in backtest.replay(
				names, today(), [day(0)]
			)
			if when == day(0)
		}
		return replayed, backtest.state_on(names, day(0))

	before, bounded = on_d()
	assert before[lapser][:2] == ("High", bounded[lapser][1]) and before[lapser][3] is True
	assert before[payer][2] == 50.0 == bounded[payer][2]  # 100 on time, 100 late by D
	# what the replay says for D equals what reads bounded by D say
	assert {n: v[:3] for n, v in before.items()} == bounded

	# rows dated after day(0), each of which would move a figure on D if it were read for D:
	factories.sales_invoice(lapser, 100, posting_date=day(1))  # an order the day after
	factories.payment(inv, posting_date=day(1))  # the rest of the first invoice, late
	after, bounded_after = on_d()
	assert {n: v[:3] for n, v in after.items()} == {n: v[:3] for n, v in before.items()} == bounded_after
	assert after[lapser][3] is False  # only the outcome sees the later order

	# the guard would notice: the same order dated on D does move D's figure
	factories.sales_invoice(lapser, 100, posting_date=day(0))
	moved, _bounded = on_d()
	assert moved[lapser][0] == "Low"


def test_an_invoice_cancelled_after_the_day_still_counted_then():
	tag = frappe.generate_hash(length=6)
	customer = factories.customer(f"Backtest {tag} cancelled")
	monthly(customer, 100, last=100)
	recent = factories.sales_invoice(customer, 100, posting_date=day(-10))
	assert backtest.state_on([customer], day(0))[customer][0] == "Low"
	# cancelled and amended today, after D (the amendment dated as the original)
	amended = factories.amend(recent)
	assert amended.posting_date == recent.posting_date
	# on D the original was in the books, its amendment did not exist yet: one invoice, not two
	rates = history.company_rates()
	invoices = backtest._invoices([customer], day(0), sorted(rates), rates)[customer]
	assert len(invoices) == 8 and sum(rules.counted_on(i, day(0)) for i in invoices) == 7
	assert backtest.state_on([customer], day(0))[customer][0] == "Low"
	assert [r[2].level for r in backtest.replay([customer], today(), [day(0)])] == ["Low"]
	# today the original is cancelled and the amendment stands
	assert sum(rules.counted_on(i, today()) for i in invoices) == 7


def test_the_report_shows_stored_figures_and_a_manager_applies_a_suggestion():
	from crm_pack.api.backtest import apply_suggestion
	from crm_pack.crm_pack.report.how_well_the_scores_predicted.how_well_the_scores_predicted import execute

	frappe.db.delete("CRM Score Backtest")
	_columns, rows, message, _chart, _summary = execute({"score": backtest.CHURN})
	assert rows == [] and "not run yet" in message

	names = buyers(frappe.generate_hash(length=6))
	stored = backtest.run(list(names.values()), today())
	assert stored == frappe.db.count("CRM Score Backtest") and stored < 12 * 60  # bounded
	tallies = backtest.stored(backtest.CHURN)
	assert sum(t.customers for t in tallies.values()) >= rules.MIN_OUTCOMES

	frappe.set_user("crm.manager@crm-pack.test")
	columns, rows, message, _chart, summary = execute({"score": backtest.CHURN, "min_precision": 50})
	assert [c["fieldname"] for c in columns] == ["level", "customers", "outcomes", "share", "caught", "lift"]
	expected = rules.figures(tallies, backtest.CHURN_LEVELS)
	assert [(r["level"], r["customers"], r["outcomes"]) for r in rows] == [
		(e["level"], e["customers"], e["outcomes"]) for e in expected
	]
	high = rows[0]
	assert high["level"] == "High" and high["customers"] == expected[0]["customers"]
	suggested = backtest.suggestion(backtest.CHURN, 0.5)
	assert suggested and any(s["value"] == suggested["value"] for s in summary)
	# the Churn Risk report's line says the same
	from crm_pack.crm_pack.report.churn_risk.churn_risk import execute as churn_report

	frappe.db.set_value("CRM Customer", names["keeper"], "analytics_updated_on", frappe.utils.now_datetime())
	line = churn_report({})[2]
	assert f"{round(100 * expected[0]['share'])}% of High lapsed" in line

	# a CRM User may not change the setting; a CRM Manager may, to the suggested value only
	frappe.set_user("crm.user@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		apply_suggestion(backtest.CHURN, 50)
	frappe.set_user("crm.manager@crm-pack.test")
	with pytest.raises(frappe.ValidationError):
		apply_suggestion(backtest.ABC, 50)
	try:
		result = apply_suggestion(backtest.CHURN, 50)
		assert result["value"] == suggested["value"]
		assert frappe.db.get_single_value("CRM Pack Settings", "churn_high_score") == suggested["value"]
	finally:
		frappe.db.rollback()  # the saved setting must not outlive the test in frappe's cache either
		frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")


def test_too_little_history_says_so():
	from crm_pack.crm_pack.report.how_well_the_scores_predicted.how_well_the_scores_predicted import execute

	customer = factories.customer()
	factories.sales_invoice(customer, 100, posting_date=day(-5))
	factories.sales_invoice(customer, 100, posting_date=day(-1))
	frappe.db.delete("CRM Score Backtest")
	backtest.run([customer], today())
	_columns, rows, message, _chart, summary = execute({"score": backtest.PAYMENT})
	assert rows == [] and summary == [] and "Not enough history" in message
	assert backtest.headline(backtest.CHURN) is None


def test_the_worklist_and_churn_risk_say_what_the_backtest_found():
	"""One line each, from the stored figures: 10 unreliable payers of whom 6 paid late, 20
	reliable of whom 3 did (6 of the 9 late payers caught: 67 %; 60 % of the unreliable)."""
	from crm_pack.crm_pack.report.collections_worklist.collections_worklist import execute as worklist

	frappe.db.delete("CRM Score Backtest")
	backtest.store(
		{
			(backtest.PAYMENT, day(0), backtest.UNRELIABLE): rules.Tally(10, 6),
			(backtest.PAYMENT, day(0), backtest.RELIABLE): rules.Tally(20, 3),
			(backtest.CHURN, day(0), "High"): rules.Tally(8, 6),
			(backtest.CHURN, day(0), "Low"): rules.Tally(30, 2),
		}
	)
	customer = factories.customer()
	factories.sales_invoice(customer, 100, posting_date=day(-40), due_days=10)  # overdue: a row to chase
	frappe.db.set_value("CRM Customer", customer, "collector", "crm.sales@crm-pack.test")
	frappe.set_user("crm.sales@crm-pack.test")  # a collector (CRM User + Sales User: reads the company)
	assert customer in [r["customer"] for r in worklist({})[1]]
	message = worklist({})[2]
	assert "unreliable payers were 67% of the customers who then paid late; 60% of unreliable" in message
	assert backtest.headline(backtest.CHURN).startswith(
		"On this site, High flagged 75% of the customers who lapsed; 75% of High lapsed"
	)


def test_lifetime_value_against_the_margin_of_the_next_12_months():
	"""Services without a known cost: profit = revenue × the default 20 % margin; the projection's
	first year = annual base profit × 80 % retention / 1.1 (10 % discount)."""
	when = rules.clv_days(today())[0]  # about two years ago: its next 12 months are over

	def on(offset):
		return getdate(add_days(when, offset))

	big, *small = (factories.customer() for _ in range(5))
	factories.sales_invoice(big, 1000, posting_date=on(-60))
	factories.sales_invoice(big, 1000, posting_date=on(-30))
	factories.sales_invoice(big, 1000, posting_date=on(30))  # the next year: margin 200
	for name in small:
		factories.sales_invoice(name, 100, posting_date=on(-30))
	factories.sales_invoice(small[0], 100, posting_date=on(60))  # margin 20
	tallies = backtest.compute([big, *small], today(), [day(0)])
	top = tallies[(backtest.CLV, when, rules.TOP_FIFTH)]
	rest = tallies[(backtest.CLV, when, rules.OTHERS)]
	# big: profit 400 over less than a year of buying → 400 a year → 400 × 0.8 / 1.1 = 290.91
	assert (top.customers, top.outcomes, top.predicted, top.actual) == (1, 1, 290.91, 200)
	# four small: 20 a year each → 14.55 each; one bought again (margin 20)
	assert (rest.customers, rest.outcomes, rest.actual) == (4, 1, 20)
	assert rest.predicted == pytest.approx(4 * 14.55)


def test_the_nightly_run_refreshes_the_backtest_weekly_and_after_a_month_end():
	from crm_pack.analytics.rules.backtest import month_ends

	frappe.db.delete("CRM Score Backtest")
	assert backtest.due(today())  # never run
	try:
		backtest.nightly_job()  # the whole test site, committed as the scheduler's job commits
		assert backtest.last_computed() and not backtest.due(today())
		assert backtest.days_stored() <= len(month_ends(today())) + len(rules.clv_days(today()))
	finally:
		frappe.db.delete("CRM Score Backtest")  # other tests read the Churn Risk report's line
		frappe.db.commit()
	backtest.store({(backtest.CHURN, day(0), "High"): rules.Tally(1, 1)})  # computed now (rolled back)
	assert backtest.due(getdate(add_days(today(), backtest.REFRESH_DAYS)))
	first_of_next_month = getdate(add_days(today().replace(day=28), 4)).replace(day=1)
	assert backtest.due(first_of_next_month)


def test_a_threshold_out_of_range_is_refused_with_its_reason():
	settings = frappe.get_doc("CRM Pack Settings")
	settings.churn_high_score = 120
	with pytest.raises(frappe.ValidationError, match="High churn risk starts at a score from 1 to 100"):
		settings.save()
	frappe.db.rollback()
	frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
	assert frappe.db.get_single_value("CRM Pack Settings", "churn_high_score") in (70, None, 0)
