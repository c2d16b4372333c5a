"""Churn Risk: customers whose buying rhythm has broken, with the reason in words."""

import frappe
from frappe import _

LEVELS = ("High", "Medium", "Low", "One-off", "New")


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	conditions = (
		{"churn_risk_level": filters.level}
		if filters.level
		else {"churn_risk_level": ("in", ("High", "Medium"))}
	)
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
			"churn_risk_reason",
			"last_order_date",
			"last_invoice_date",
			"clv_total",
		],
		order_by="churn_risk_score desc",
		limit_page_length=0,
	)
	counts = {level: frappe.db.count("CRM Customer", {"churn_risk_level": level}) for level in LEVELS}
	chart = {
		"data": {
			"labels": [_(level) for level in LEVELS],
			"datasets": [{"name": _("Customers"), "values": list(counts.values())}],
		},
		"type": "bar",
	}
	columns = [
		{
			"label": _("Customer"),
			"fieldname": "name",
			"fieldtype": "Link",
			"options": "CRM Customer",
			"width": 180,
		},
		{"label": _("Customer Name"), "fieldname": "customer_name", "fieldtype": "Data", "width": 170},
		{"label": _("Tier"), "fieldname": "abc_tier", "fieldtype": "Data", "width": 60},
		{
			"label": _("Owner"),
			"fieldname": "relationship_owner",
			"fieldtype": "Link",
			"options": "User",
			"width": 150,
		},
		{"label": _("Risk"), "fieldname": "churn_risk_level", "fieldtype": "Data", "width": 80},
		{"label": _("Score"), "fieldname": "churn_risk_score", "fieldtype": "Percent", "width": 80},
		{"label": _("Why"), "fieldname": "churn_risk_reason", "fieldtype": "Data", "width": 380},
		{"label": _("Last Invoice"), "fieldname": "last_invoice_date", "fieldtype": "Date", "width": 100},
		{"label": _("Lifetime Value"), "fieldname": "clv_total", "fieldtype": "Currency", "width": 120},
	]
	return columns, data, None, chart
