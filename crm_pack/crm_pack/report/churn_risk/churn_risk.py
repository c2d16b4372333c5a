"""Churn Risk: every scored customer, highest risk first, with the reason in words."""

import frappe
from frappe import _

from crm_pack.analytics.report_state import not_run_yet_message
from crm_pack.compat import aggregate
from crm_pack.utils.rendered_texts import render_field
from crm_pack.utils.report_columns import column, customer_columns

LEVELS = ("High", "Medium", "Low", "One-off", "New")


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	# every level by default, highest risk first: a healthy site shows its Low customers
	# and their reasons rather than "Nothing to show"
	conditions = {"churn_risk_level": filters.level} if filters.level else {"churn_risk_level": ("is", "set")}
	data = frappe.get_list(
		"CRM Customer",
		filters=conditions,
		fields=[
			"name",
			"customer_name",
			"abc_tier",
			"relationship_owner",
			"churn_risk_level",
			"churn_risk_score",
			"churn_risk_reason_codes",
			"last_order_date",
			"last_invoice_date",
			"clv_total",
		],
		order_by="churn_risk_score desc",
		limit_page_length=0,
	)
	# stored as codes, rendered in the language of whoever runs the report
	render_field(data, "churn_risk_reason_codes", "churn_risk_reason")
	for row in data:
		row.churn_risk_level = _(row.churn_risk_level)  # a stored English key, shown in the reader's language
	# counted through get_list, so a CRM User's chart counts only the customers they may see
	counted = frappe.get_list(
		"CRM Customer",
		fields=["churn_risk_level", aggregate("count", "name", "customers")],
		filters={"churn_risk_level": ("in", LEVELS)},
		group_by="churn_risk_level",
	)
	by_level = {r.churn_risk_level: r.customers for r in counted}
	counts = {level: by_level.get(level, 0) for level in LEVELS}
	chart = {
		"data": {
			"labels": [_(level) for level in LEVELS],
			"datasets": [{"name": _("Customers"), "values": list(counts.values())}],
		},
		"type": "bar",
	}
	columns = [
		*customer_columns(),
		column(_("Risk"), "churn_risk_level", width=80),
		column(_("Score"), "churn_risk_score", "Percent", width=80),
		column(_("Why"), "churn_risk_reason", width=380),
		column(_("Last Invoice"), "last_invoice_date", "Date", width=100),
		column(_("Lifetime Value"), "clv_total", "Currency", width=120),
	]
	return columns, data, _message(), chart


def _message() -> str | None:
	"""Before the first run, that the figures are not computed yet; after, what the backtest
	says High caught on this site."""
	from crm_pack.analytics.backtest import CHURN, headline

	return not_run_yet_message() or headline(CHURN)
