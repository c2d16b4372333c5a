"""Interactions by Channel on the CRM workspace: counted for this user (record-level
access through frappe.get_list), the channels in the reader's language. frappe's Group By
chart shows the stored values ("Phone") and caches one answer for every user."""

import frappe
from frappe import _

from crm_pack.compat import aggregate

DOCTYPE = "Customer Interaction"


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
	rows = frappe.get_list(
		DOCTYPE,
		fields=["channel", aggregate("count", "name", "n")],
		filters=[[DOCTYPE, "channel", "is", "set"]],
		group_by="channel",
		order_by="n desc",
	)
	if not rows:
		return None
	return {
		"labels": [_(r.channel) for r in rows],
		"datasets": [{"name": _("Interactions"), "values": [r.n for r in rows]}],
	}
