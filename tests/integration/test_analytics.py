"""Customer value analytics computed from real invoices on the site."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_pack.analytics import basis as analytics_basis
from crm_pack.analytics import history
from crm_pack.analytics import nightly as analytics_sync
from tests.integration import books, factories


@pytest.fixture
def customers():
	big, small, lapsed = factories.customer(), factories.customer(), factories.customer()
	# big: 10 monthly orders of 10,000 up to today; small: 2 orders of 100; lapsed: monthly, then silence
	for i in range(10):
		factories.sales_invoice(big, 10_000, posting_date=add_days(nowdate(), -30 * i))
	for i in range(2):
		factories.sales_invoice(small, 100, posting_date=add_days(nowdate(), -10 * i))
	for i in range(6):
		factories.sales_invoice(lapsed, 500, posting_date=add_days(nowdate(), -200 - 30 * i))
	frappe.db.set_value("CRM Customer", small, "estimated_annual_spend", 1000)
	frappe.db.set_value("CRM Customer", small, "referred_by", big)
	return big, small, lapsed


def stored(name, *fields):
	return frappe.db.get_value("CRM Customer", name, fields, as_dict=True)


def test_analytics_from_the_ledger(customers):
	big, small, lapsed = customers
	written = analytics_sync.recompute_all()
	assert written >= 3

	b = stored(
		big,
		"abc_tier",
		"clv_base_profit",
		"clv_total",
		"churn_risk_level",
		"rfm_segment",
		"analytics_updated_on",
	)
	assert b.abc_tier == "A"
	# no cost known for a service item: revenue 100,000 × default margin 20 %
	assert b.clv_base_profit == 20_000
	assert b.churn_risk_level == "Low"
	explanation = frappe.get_doc("CRM Customer", big).clv_explanation
	assert b.rfm_segment and "20000" in explanation.replace(",", "") and b.analytics_updated_on

	s = stored(small, "share_of_wallet", "billed_last_12_months", "clv_referral_value", "churn_risk_level")
	assert s.billed_last_12_months == 200 and s.share_of_wallet == 20  # 200 of an estimated 1,000
	assert s.churn_risk_level in ("New", "Low")
	assert stored(big, "clv_referral_value").clv_referral_value == pytest.approx(0.1 * 0.2 * 200)

	lapsed_row = frappe.get_doc("CRM Customer", lapsed)
	assert lapsed_row.churn_risk_level == "High"
	assert "usually orders every 30 days" in lapsed_row.churn_risk_reason


def test_run_now_is_for_crm_managers():
	from crm_pack.api.analytics import run_now

	frappe.set_user("crm.user@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		run_now()


def test_reports_show_tiers_value_churn_and_segments(customers):
	from crm_pack.crm_pack.report.abc_analysis.abc_analysis import execute as abc_report
	from crm_pack.crm_pack.report.churn_risk.churn_risk import execute as churn_report
	from crm_pack.crm_pack.report.customer_lifetime_value.customer_lifetime_value import execute as clv_report
	from crm_pack.crm_pack.report.rfm_segments.rfm_segments import execute as rfm_report

	big, small, lapsed = customers
	analytics_sync.recompute_all()

	_cols, rows, _m, chart, summary = abc_report({})
	mine = {r["customer"]: r for r in rows if r["customer"] in customers}
	assert mine[big]["abc_tier"] == "A" and mine[big]["net_revenue"] == 100_000
	assert chart["type"] == "line" and any("Top 12%" in s["label"] for s in summary)

	_cols, rows, _m, chart = clv_report({})
	assert {big, small, lapsed} <= {r.name for r in rows}
	assert len(chart["data"]["datasets"]) == 5

	_cols, rows, _m, chart = churn_report({})
	assert {lapsed, big} <= {r.name for r in rows}  # every level, highest risk first
	_cols, rows, _m, chart = churn_report({"level": "High"})
	assert lapsed in {r.name for r in rows} and big not in {r.name for r in rows}

	_cols, rows, _m, chart = rfm_report({})
	assert all(r.rfm_segment for r in rows if r.name in customers)


def test_reports_need_crm_access(customers):
	from frappe.desk.query_report import run

	frappe.set_user("sales.only@crm-pack.test")
	for report in ("ABC Analysis", "Customer Lifetime Value", "Churn Risk", "RFM Segments"):
		with pytest.raises(frappe.PermissionError):
			run(report, filters={})


def test_days_to_pay_read_from_the_payment_ledger():
	"""Fully paid invoices only, dated by their own ledger row and their last payment; part
	payments, unpaid invoices, credit notes and cancelled payments are left out."""
	from frappe.utils import getdate

	cust = factories.customer()
	early = factories.sales_invoice(cust, 100, posting_date=add_days(nowdate(), -100))
	factories.payment(early, posting_date=add_days(nowdate(), -90))
	late = factories.sales_invoice(cust, 200, posting_date=add_days(nowdate(), -60))
	factories.payment(late, 50, posting_date=add_days(nowdate(), -50))
	factories.payment(late, 150, posting_date=add_days(nowdate(), -20))  # fully paid 40 days on
	part = factories.sales_invoice(cust, 300, posting_date=add_days(nowdate(), -30))
	factories.payment(part, 100, posting_date=add_days(nowdate(), -25))
	factories.sales_invoice(cust, 400)  # unpaid
	factories.credit_note(factories.sales_invoice(cust, 50, posting_date=add_days(nowdate(), -5)))
	undone = factories.sales_invoice(cust, 70, posting_date=add_days(nowdate(), -15))
	factories.payment(undone, posting_date=add_days(nowdate(), -14)).cancel()

	rows = [r for r in history.payment_days(history.companies()) if r[0] == cust]
	day = lambda n: getdate(add_days(nowdate(), n))  # noqa: E731
	assert rows == [(cust, day(-100), day(-90)), (cust, day(-60), day(-20))]


BASIS = ("net_revenue", "billed_last_12_months", "buying_days", "clv_base_profit", "clv_referral_value")
SCORES = ("abc_tier", "churn_risk_score", "churn_risk_level", "churn_risk_reason_codes", "rfm_segment")


def snapshot(names, fields=BASIS + SCORES):
	return {n: stored(n, *fields) for n in names}


def rebuild():
	"""Forces every basis to be read from the ledger again, as after an upgrade."""
	frappe.db.sql("update `tabCRM Customer` set analytics_basis_key = ''")
	analytics_sync.recompute_all()


def test_next_night_reads_the_changed_customer_and_agrees_with_a_rebuild(customers):
	big, small, lapsed = customers
	analytics_sync.recompute_all()
	assert stored(small, "analytics_dirty").analytics_dirty == 0

	invoice = factories.sales_invoice(small, 700)
	assert stored(small, "analytics_dirty").analytics_dirty > 0  # the submit told the analytics
	analytics_sync.recompute_all()
	after = snapshot(customers)
	assert after[small].net_revenue == 900 and after[small].billed_last_12_months == 900
	assert stored(small, "analytics_dirty").analytics_dirty == 0
	# the referrer's value follows the referred customer's new profit (20 % of 900, 10 % of that)
	assert after[big].clv_referral_value == pytest.approx(0.1 * 0.2 * 900)
	rebuild()
	assert snapshot(customers) == after

	invoice.cancel()
	books.settle()  # the cancel's request ends: its changes are counted before the commit
	analytics_sync.recompute_all()
	assert stored(small, "net_revenue").net_revenue == 200


def test_a_re_read_finding_the_same_basis_dates_it_and_a_figure_written_by_hand_is_put_back(customers):
	big, small, lapsed = customers
	analytics_sync.recompute_all()
	before = snapshot(customers)
	# a computed figure written through the API (read-only on the form)
	doc = frappe.get_doc("CRM Customer", big)
	doc.net_revenue = 1
	doc.save()
	frappe.db.sql("update `tabCRM Customer` set analytics_basis_on = %s", add_days(nowdate(), -8))
	analytics_sync.recompute_all()  # a week on: every basis is read again
	assert snapshot(customers) == before
	assert str(stored(small, "analytics_basis_on").analytics_basis_on) == nowdate()


def test_twelve_month_billing_moves_with_the_calendar_alone(customers):
	big, small, lapsed = customers
	analytics_sync.recompute_all()
	assert stored(small, "billed_last_12_months").billed_last_12_months == 200
	# a year on, with no ledger event, both of small's invoices have left the window
	analytics_sync.recompute_all(today=add_days(nowdate(), 366))
	s = stored(small, "billed_last_12_months", "share_of_wallet", "net_revenue")
	assert (s.billed_last_12_months, s.share_of_wallet, s.net_revenue) == (0, 0, 200)


def test_a_settings_change_reads_every_basis_again(customers):
	big, small, lapsed = customers
	analytics_sync.recompute_all()
	settings = frappe.get_single("CRM Pack Settings")
	settings.default_margin_percent = 30
	settings.save()
	analytics_sync.recompute_all()
	assert stored(big, "clv_base_profit").clv_base_profit == 30_000


def test_a_new_referrer_gets_the_referral_value_the_next_night(customers):
	big, small, lapsed = customers
	analytics_sync.recompute_all()
	doc = frappe.get_doc("CRM Customer", small)
	doc.referred_by = lapsed
	doc.save()
	analytics_sync.recompute_all()
	assert stored(lapsed, "clv_referral_value").clv_referral_value == pytest.approx(0.1 * 0.2 * 200)
	assert stored(big, "clv_referral_value").clv_referral_value == 0


def test_a_change_counted_during_a_run_waits_for_the_next_one():
	cust = factories.customer()
	frappe.db.set_value("CRM Customer", cust, "analytics_dirty", 2)
	analytics_basis.clear_changed({cust: 1})  # the run read one change; one came in meanwhile
	assert stored(cust, "analytics_dirty").analytics_dirty == 1


def test_a_tier_set_by_hand_is_put_back_the_next_night(customers):
	big, small, lapsed = customers
	analytics_sync.recompute_all()
	doc = frappe.get_doc("CRM Customer", big)
	doc.abc_tier = "C"
	doc.save()
	analytics_sync.recompute_all()
	assert stored(big, "abc_tier").abc_tier == "A"


def test_reports_say_why_they_are_empty_before_the_first_run(customers):
	from crm_pack.crm_pack.report.abc_analysis.abc_analysis import execute as abc_report
	from crm_pack.crm_pack.report.churn_risk.churn_risk import execute as churn_report

	crm = frappe.qb.DocType("CRM Customer")
	frappe.qb.update(crm).set(crm.analytics_updated_on, None).run()
	assert "have not run yet" in abc_report({})[2]
	assert "have not run yet" in churn_report({})[2]
	analytics_sync.recompute_all()
	# after a run: no message, or the backtest's line (crm_pack/analytics/backtest.py)
	assert abc_report({})[2] is None and "have not run yet" not in (churn_report({})[2] or "")


def test_churn_risk_lists_every_level_highest_first(customers):
	from crm_pack.crm_pack.report.churn_risk.churn_risk import execute as churn_report

	analytics_sync.recompute_all()
	_columns, rows, _message, chart = churn_report({})
	levels = {r.churn_risk_level for r in rows}
	assert {"High", "New"} <= levels or {"High", "Low"} <= levels, levels  # not only High/Medium
	scores = [r.churn_risk_score for r in rows]
	assert scores == sorted(scores, reverse=True)
	assert sum(chart["data"]["datasets"][0]["values"]) >= len([r for r in rows if r.name in customers])
