"""RFM Segments: customers by recency, frequency and monetary quintiles, and how many per segment."""

import frappe
from frappe import _

from crm_pack.analytics.report_rows import segment_counts


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	conditions = {"rfm_segment": filters.segment} if filters.segment else {}
	data = frappe.get_list(
		"CRM Customer",
		filters=conditions,
		fields=[
			"name",
			"customer_name",
			"rfm_segment",
			"rfm_score",
			"abc_tier",
			"relationship_owner",
			"last_invoice_date",
			"total_billed",
		],
		order_by="rfm_score desc",
		limit_page_length=0,
	)
	counts = segment_counts([d.rfm_segment for d in data])
	chart = {
		"data": {
			"labels": [_(s) for s, _n in counts],
			"datasets": [{"name": _("Customers"), "values": [n for _s, n in counts]}],
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
		{"label": _("Segment"), "fieldname": "rfm_segment", "fieldtype": "Data", "width": 150},
		{"label": _("R F M"), "fieldname": "rfm_score", "fieldtype": "Data", "width": 70},
		{"label": _("Tier"), "fieldname": "abc_tier", "fieldtype": "Data", "width": 60},
		{
			"label": _("Owner"),
			"fieldname": "relationship_owner",
			"fieldtype": "Link",
			"options": "User",
			"width": 150,
		},
		{"label": _("Last Invoice"), "fieldname": "last_invoice_date", "fieldtype": "Date", "width": 100},
		{"label": _("Total Billed"), "fieldname": "total_billed", "fieldtype": "Currency", "width": 120},
	]
	return columns, data, None, chart
