"""Duplicate Customers: the review list. Each pair with why it looks like one customer,
what each has billed, and which to keep (the one with more history); merging is ERPNext's
own Customer merge, offered from the report."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_pack.permissions import require_crm_manager
from crm_pack.relationship import duplicate_finder
from crm_pack.utils.report_columns import column


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	require_crm_manager(_("Only a CRM Manager can review duplicate customers."))
	threshold = flt(filters.threshold) or 90.0
	if not 50 <= threshold <= 100:
		frappe.throw(_("Name similarity must be between 50 and 100, not {0}.").format(threshold))
	pairs = duplicate_finder.candidates(threshold)
	involved = sorted({c.first for c in pairs} | {c.second for c in pairs})
	facts = (
		{
			r.name: r
			for r in frappe.get_all(
				"CRM Customer",
				filters={"name": ("in", involved)},
				fields=["name", "customer_name", "total_billed", "order_count", "creation"],
			)
		}
		if involved
		else {}
	)
	data = []
	for c in pairs:
		a, b = facts.get(c.first), facts.get(c.second)
		if not (a and b):
			continue
		# keep the record with more history; on a tie, the older one
		keep, drop = sorted((a, b), key=lambda r: (-flt(r.total_billed), -(r.order_count or 0), r.creation))
		data.append(
			{
				"keep": keep.name,
				"keep_name": keep.customer_name,
				"keep_billed": keep.total_billed,
				"duplicate": drop.name,
				"duplicate_name": drop.customer_name,
				"duplicate_billed": drop.total_billed,
				"score": round(c.score),
				"reasons": "; ".join(c.reasons),
			}
		)
	columns = [
		column(_("Keep"), "keep", "Link", "Customer", 170),
		column(_("Name"), "keep_name", width=170),
		column(_("Billed"), "keep_billed", "Currency", width=110),
		column(_("Possible Duplicate"), "duplicate", "Link", "Customer", 170),
		column(_("Name"), "duplicate_name", width=170),
		column(_("Billed"), "duplicate_billed", "Currency", width=110),
		column(_("Score"), "score", "Int", width=70),
		column(_("Why"), "reasons", width=300),
	]
	return columns, data
