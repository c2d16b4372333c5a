"""How Well the Scores Predicted: each score, as the live rules gave it at the last 12
month-ends from the ledger as it stood then, against what followed (analytics/backtest.py
computes and stores the figures nightly; this report only reads them)."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_pack.analytics import backtest
from crm_pack.analytics.rules import backtest as rules
from crm_pack.utils.report_columns import column

# score -> (outcome, share with it, share of all caught)
LABELS = {
	backtest.CHURN: ("Lapsed", "Share That Lapsed", "Share of All Lapsed Caught"),
	backtest.PAYMENT: ("Paid Late", "Share That Paid Late", "Share of All Late Payers Caught"),
	backtest.ABC: ("Same Tier a Quarter Later", "Share Still in the Tier", None),
	backtest.CLV: ("Bought in the Next 12 Months", "Share That Bought Again", None),
}
SETTING_LABELS = {
	backtest.CHURN: "High Churn Risk from (score)",
	backtest.PAYMENT: "Unreliable Payer below (% paid on time)",
}
DEFAULT_PRECISION = 50


def execute(filters: dict | None = None):
	frappe.has_permission("CRM Score Backtest", "read", throw=True)
	filters = frappe._dict(filters or {})
	score = filters.score or backtest.CHURN
	if score not in backtest.SCORES:
		frappe.throw(_("Choose a score: {0}.").format(", ".join(_(s) for s in backtest.SCORES)))
	precision = flt(filters.min_precision) or DEFAULT_PRECISION
	if not 0 < precision <= 100:
		frappe.throw(_("The precision must be above 0 % and at most 100 %, not {0}.").format(precision))
	rows, decided = backtest.figures(score)
	data = [
		{
			"level": _(r["level"]),
			"customers": r["customers"],
			"outcomes": r["outcomes"],
			"share": _percent(r["share"]),
			"caught": _percent(r["caught"]),
			"lift": None if r["lift"] is None else round(r["lift"], 2),
			"predicted": r["predicted"],
			"actual": r["actual"],
			"actual_share": _percent(r["actual_share"]),
		}
		for r in rows
	]
	return _columns(score), data, _message(score, rows, decided), None, _summary(score, rows, precision / 100)


def _shown_percent(share: float) -> str:
	"""A summary card's percent with one decimal ("54.0%"; a Percent card shows the site's float
	precision, "54.000%")."""
	return f"{flt(100 * share, 1)}%"


def _percent(share):
	return None if share is None else round(100 * share, 1)


def _columns(score: str) -> list[dict]:
	outcome, share, caught = LABELS[score]
	columns = [
		column(_("Level"), "level", width=140),
		column(_("Customers Scored"), "customers", "Int", width=140),
		column(_(outcome), "outcomes", "Int", width=160),
		column(_(share), "share", "Percent", width=150),
	]
	if caught:
		columns += [
			column(_(caught), "caught", "Percent", width=200),
			{**column(_("Lift over Base Rate"), "lift", "Float", width=140), "precision": 2},
		]
	if score == backtest.CLV:
		currency = frappe.get_cached_value(
			"Company", frappe.defaults.get_global_default("company"), "default_currency"
		)
		columns += [
			{
				**column(_("Predicted Next-12-Month Profit"), "predicted", "Currency", width=190),
				"options": currency,
			},
			{
				**column(_("Actual Next-12-Month Margin"), "actual", "Currency", width=190),
				"options": currency,
			},
			column(_("Share of All Actual Margin"), "actual_share", "Percent", width=170),
		]
	return columns


def _message(score: str, rows: list[dict], decided: int) -> str | None:
	if not backtest.days_stored():
		text = _(
			"The backtest has not run yet on this site. It runs with the nightly analytics and "
			"replays the scores at each of the last 12 month-ends."
		)
	elif not rows:
		text = _(
			"Not enough history: a share is shown from {0} customers scored at a month-end whose "
			"outcome is known by today (this site has {1}), and for a level from {2} customers."
		).format(rules.MIN_OUTCOMES, decided, rules.MIN_LEVEL_CUSTOMERS)
	elif score == backtest.CLV:
		text = _(
			"Lifetime value is checked at the 12 month-ends before the last year, the only ones whose "
			"next 12 months are over: the first year the projection expected that day against the "
			"margin those 12 months brought, for the fifth of customers it valued most and the rest."
		)
	else:
		text = _(
			"Each customer counts once per month-end at which they had bought (one of the last 12), "
			"scored from the ledger as it stood that day. Levels with fewer than {0} customers show "
			"no shares."
		).format(rules.MIN_LEVEL_CUSTOMERS)
	return f"<p class='text-muted'>{frappe.utils.escape_html(text)}</p>"


def _summary(score: str, rows: list[dict], precision: float) -> list[dict]:
	if not rows:
		return []
	customers = sum(r["customers"] for r in rows)
	outcomes = sum(r["outcomes"] for r in rows)
	summary = [
		{"label": _("Customers Scored"), "value": customers, "datatype": "Int", "indicator": "Blue"},
		{
			"label": _("Base Rate"),
			"value": _shown_percent(outcomes / customers if customers else 0),
			"datatype": "Data",
			"indicator": "Blue",
		},
	]
	if score not in SETTING_LABELS:
		return summary
	suggested = backtest.suggestion(score, precision)
	setting = _(SETTING_LABELS[score])
	if suggested is None:
		summary.append(
			{
				"label": _("Suggested {0}").format(setting),
				"value": _("None at {0}% precision").format(round(precision * 100)),
				"datatype": "Data",
				"indicator": "Grey",
			}
		)
		return summary
	summary += [
		{
			"label": _("Suggested {0}").format(setting),
			"value": suggested["value"],
			"datatype": "Int",
			"indicator": "Green",
		},
		{
			"label": _("It Would Have Caught"),
			"value": _shown_percent(suggested["caught"]),
			"datatype": "Data",
			"indicator": "Green",
		},
		{
			"label": _("Precision at It"),
			"value": _shown_percent(suggested["precision"]),
			"datatype": "Data",
			"indicator": "Green",
		},
		{"label": _("Now Set to"), "value": suggested["current"], "datatype": "Int", "indicator": "Grey"},
	]
	return summary
