"""Customer Lifetime Value: the five parts per customer, stacked."""

import frappe
from frappe import _

from crm_pack.analytics.report_state import not_run_yet_message
from crm_pack.utils.rendered_texts import render_field
from crm_pack.utils.report_columns import column, customer_columns

PARTS = (
	("clv_base_profit", "CLV 1: Base Profit"),
	("clv_cross_sell_profit", "CLV 2: Cross/Up-sell"),
	("clv_service_cost_saving", "CLV 3: Service Cost Saving"),
	("clv_referral_value", "CLV 4: Referral"),
	("clv_price_premium", "CLV 5: Price Premium"),
)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	conditions = {"abc_tier": filters.abc_tier} if filters.abc_tier else {}
	data = frappe.get_list(
		"CRM Customer",
		filters=conditions,
		fields=[
			"name",
			"customer_name",
			"abc_tier",
			*(p for p, _l in PARTS),
			"clv_total",
			"clv_projected",
			"clv_explanation_codes",
		],
		order_by="clv_total desc",
		limit_page_length=0,
	)
	# stored as codes, rendered in the language of whoever runs the report
	render_field(data, "clv_explanation_codes", "clv_explanation")
	top = data[:20]
	chart = {
		"data": {
			"labels": [d.customer_name or d.name for d in top],
			"datasets": [
				{"name": _(label), "values": [d[field] or 0 for d in top]} for field, label in PARTS
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
	columns = [
		*customer_columns(with_owner=False),
		*(column(_(label), field, "Currency", width=130) for field, label in PARTS),
		column(_("Lifetime Value"), "clv_total", "Currency", width=130),
		column(_("Projected Value"), "clv_projected", "Currency", width=130),
		column(_("How"), "clv_explanation", width=300),
	]
	return columns, data, not_run_yet_message(), chart
