"""RFM Segments: customers by recency, frequency and monetary quintiles, and how many per segment."""

import frappe
from frappe import _

from crm_pack.analytics.report_state import not_run_yet_message
from crm_pack.analytics.rules.report_rows import segment_counts
from crm_pack.utils.report_columns import column, customer_columns


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
		*customer_columns(),
		column(_("Segment"), "rfm_segment", width=150),
		column(_("R F M"), "rfm_score", width=70),
		column(_("Last Invoice"), "last_invoice_date", "Date", width=100),
		column(_("Total Billed"), "total_billed", "Currency", width=120),
	]
	return columns, data, not_run_yet_message(), chart
