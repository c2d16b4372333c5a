"""Revenue by Tier on the CRM workspace: net revenue of this user's customers per ABC tier
(filled by the analytics run; before it, the workspace's notice says so), labelled and
named in the reader's language."""

import frappe
from frappe import _

from crm_pack.compat import aggregate

DOCTYPE = "CRM Customer"


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: int | str | None = None,
	filters: str | dict | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
) -> dict | None:
	frappe.has_permission(DOCTYPE, "read", throw=True)
	from crm_pack.analytics.report_state import not_run_yet_message

	if not_run_yet_message():
		return None  # no revenue is counted yet: the workspace's notice says why
	rows = frappe.get_list(
		DOCTYPE,
		fields=["abc_tier", aggregate("sum", "net_revenue", "revenue")],
		filters=[[DOCTYPE, "abc_tier", "is", "set"]],
		group_by="abc_tier",
		order_by="abc_tier asc",
	)
	if not rows:
		return None
	return {
		"labels": [_("Tier {0}").format(r.abc_tier) for r in rows],
		"datasets": [{"name": _("Net Revenue"), "values": [r.revenue for r in rows]}],
	}
