"""ABC Analysis: customers by revenue share, with the Pareto curve and the tier summary."""

import frappe
from frappe import _
from frappe.utils.formatters import format_value

from crm_pack.analytics.report_state import not_run_yet_message
from crm_pack.analytics.rules import abc
from crm_pack.analytics.rules.report_rows import tier_summary
from crm_pack.utils.report_columns import column, customer_columns


def execute(filters: dict | None = None):
	customers = frappe.get_list(
		"CRM Customer",
		fields=["name", "customer_name", "abc_tier", "relationship_owner", "net_revenue"],
		limit_page_length=0,
	)
	revenue = {c.name: float(c.net_revenue or 0) for c in customers}
	ranked = sorted(customers, key=lambda c: (-revenue[c.name], c.name))
	total = sum(v for v in revenue.values() if v > 0) or 1
	data, cumulative = [], 0.0
	for position, c in enumerate(ranked, start=1):
		cumulative += max(revenue[c.name], 0)
		data.append(
			{
				"customer": c.name,
				"customer_name": c.customer_name,
				"abc_tier": c.abc_tier,
				"relationship_owner": c.relationship_owner,
				"net_revenue": revenue[c.name],
				"cumulative_share": round(100 * cumulative / total, 2),
				"customer_share": round(100 * position / len(ranked), 2),
				"needs_owner": 1 if c.abc_tier == "A" and not c.relationship_owner else 0,
			}
		)
	curve = abc.pareto_curve(revenue, max_points=50)
	chart = {
		"data": {
			"labels": [f"{round(100 * x)}%" for x, _y in curve],
			"datasets": [{"name": _("Share of revenue"), "values": [round(100 * y, 1) for _x, y in curve]}],
		},
		"type": "line",
	}
	summary = [
		{
			"label": _("Tier {0}: {1}% of customers bring {2}% of revenue").format(
				t["tier"], t["customer_share"], t["revenue_share"]
			),
			"value": t["customers"],
			"datatype": "Int",
		}
		for t in tier_summary([{"tier": d["abc_tier"], "revenue": d["net_revenue"]} for d in data])
	]
	summary.append(
		{
			"label": _("Top 12% of customers bring"),
			# formatted here: frappe's report summary formats a Percent at the site's float
			# precision ("57.000 %")
			"value": format_value(
				round(100 * abc.concentration(revenue, 0.12), 1), {"fieldtype": "Percent", "precision": 1}
			),
			"datatype": "Data",
		}
	)
	message = not_run_yet_message()
	if message:
		summary = []  # nothing is computed yet: no "0 %" that reads as a result
	return _columns(), data, message, chart, summary


def _columns():
	return [
		*customer_columns("customer"),
		column(_("Net Revenue"), "net_revenue", "Currency", width=130),
		column(_("Cumulative Revenue %"), "cumulative_share", "Percent", width=120),
		column(_("Customers %"), "customer_share", "Percent", width=100),
		column(_("A Without Owner"), "needs_owner", "Check", width=110),
	]
