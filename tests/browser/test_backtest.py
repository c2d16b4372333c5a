"""How Well the Scores Predicted in a real browser, as a CRM Manager, in English and Chinese:
the figures of a site history with known outcomes, and applying a suggested threshold."""

import types

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, on_site

MANAGER = "browser.manager@crm-pack.test"  # CRM Manager (conftest.USERS)
ZH_MANAGER = "browser.backtest.zh@crm-pack.test"  # a CRM Manager who works in Chinese
REPORT = "query-report/How Well the Scores Predicted"


@pytest.fixture(scope="module")
def backtested(site_data):
	"""Monthly buyers and payers with known outcomes, backtested and committed before the browser
	looks; afterwards the stored figures and the setting are put back (other tests read the
	Churn Risk report's line and the settings)."""
	with on_site() as frappe:
		from crm_pack.analytics import backtest
		from tests.browser.data import ensure_user
		from tests.integration.backtest_history import buyers, payers

		ensure_user(ZH_MANAGER, ["CRM Manager"], PASSWORD)
		frappe.db.set_value("User", ZH_MANAGER, "language", "zh")
		names = [*buyers(site_data.tag).values(), *payers(site_data.tag).values()]
		found = frappe.db.get_single_value("CRM Pack Settings", "churn_high_score")
		# from the shipped default, whatever an interrupted run or an upgrade left (an empty
		# setting counts as its default): the suggestion must differ from it
		high_score = int(frappe.get_meta("CRM Pack Settings").get_field("churn_high_score").default)
		frappe.db.set_single_value("CRM Pack Settings", "churn_high_score", None)
		frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
		backtest.run(names)
		churn_rows, _n = backtest.figures(backtest.CHURN)
		payment_rows, _n = backtest.figures(backtest.PAYMENT)
		suggested = backtest.suggestion(backtest.CHURN, 0.5)
	yield types.SimpleNamespace(
		churn={r["level"]: r for r in churn_rows},
		payment={r["level"]: r for r in payment_rows},
		high_score=high_score,
		found=found,
		suggested=suggested,
	)
	with on_site() as frappe:
		frappe.db.delete("CRM Score Backtest")
		frappe.db.set_single_value("CRM Pack Settings", "churn_high_score", found)
		frappe.db.commit()
		frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")


def _row(page, level):
	"""The report row of this level (its name exactly: "Reliable" is not "Unreliable")."""
	return page.locator(".dt-scrollable .dt-row").filter(has=page.get_by_text(level, exact=True))


def test_a_crm_manager_reads_how_well_the_scores_predicted_and_applies_a_suggestion(desk, backtested):
	page = desk.page
	desk.login(MANAGER)
	desk.goto(REPORT)
	expect(page.locator(".dt-row-header").get_by_text("Share That Lapsed")).to_be_visible()
	high = backtested.churn["High"]
	row = _row(page, "High").first
	expect(row).to_contain_text(str(high["customers"]))
	expect(row).to_contain_text(f"{100 * high['share']:.1f}")
	expect(page.locator(".report-summary")).to_contain_text("Suggested High Churn Risk from (score)")
	desk.shot("churn")

	page.locator('select[data-fieldname="score"]').select_option("Payment Reliability")
	desk.wait_idle()
	expect(page.locator(".dt-row-header").get_by_text("Share That Paid Late")).to_be_visible()
	for level in ("Unreliable", "Reliable", "Not measured"):
		expect(_row(page, level).first).to_contain_text(str(backtested.payment[level]["customers"]))
	desk.shot("payment-reliability")

	# applying is an explicit action: a button, a confirmation, then the setting changes
	page.locator('select[data-fieldname="score"]').select_option("Churn Risk")
	desk.wait_idle()
	page.get_by_role("button", name="Apply Suggested Threshold").click()
	page.locator(".modal.show .btn-modal-primary").click()
	expect(page.locator(".desk-alert .alert-message").first).to_contain_text(
		f"changed from {backtested.high_score} to {backtested.suggested['value']}"
	)
	desk.shot("applied")


def test_the_report_in_chinese(desk, backtested):
	page = desk.page
	desk.login(ZH_MANAGER)
	desk.goto(REPORT)
	# zh.csv: "Share That Lapsed" -> 流失比例, "High" -> 高, "Lift over Base Rate" -> 相对基准的提升
	expect(page.locator(".dt-row-header").get_by_text("流失比例")).to_be_visible()
	expect(page.locator(".dt-row-header").get_by_text("相对基准的提升")).to_be_visible()
	expect(_row(page, "高").first).to_contain_text(str(backtested.churn["High"]["customers"]))
	desk.shot("zh")
