"""A complaint's cost: the credit notes, return deliveries and warranty claims it caused,
valued from the documents themselves and kept current when one of them is cancelled."""

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from crm_pack.interactions.rules.interaction_checks import check_cost_row, cost_of
from crm_pack.utils.guard import never_blocks

FIELDS = {
	"Sales Invoice": ("customer", "docstatus", "is_return", "base_grand_total", "posting_date", "status"),
	"Delivery Note": ("customer", "docstatus", "is_return", "base_grand_total", "posting_date", "status"),
	"Warranty Claim": ("customer", "docstatus", "complaint_date as posting_date", "status"),
}


def fill(interaction) -> list:
	"""Validate each cost row, fill its date, status and amount; total on the interaction.
	Returns the problems found (nothing is changed on the linked documents)."""
	problems = []
	total = 0.0
	for row in interaction.get("costs") or []:
		fields = FIELDS.get(row.document_type)
		found = (
			frappe.db.get_value(row.document_type, row.document, list(fields), as_dict=True)
			if fields and row.document
			else None
		)
		row_problems = check_cost_row(
			idx=row.idx,
			interaction_type=interaction.interaction_type,
			document_type=row.document_type,
			document=row.document,
			customer=interaction.customer,
			found=found,
		)
		problems += row_problems
		if row_problems:
			continue
		row.posting_date = found.get("posting_date")
		row.document_status = found.get("status")
		row.amount = cost_of(row.document_type, found, flt(row.amount))
		total += flt(row.amount)
	interaction.complaint_cost = total
	return problems


def on_document_cancelled(doc) -> None:
	"""Sales Invoice / Delivery Note on_cancel: a cancelled return costs nothing. The cancel
	itself never fails because of crm_pack."""
	if not doc.get("is_return"):
		return
	with never_blocks("crm_pack: complaint cost not updated", doc):
		_zero_cancelled(doc.doctype, doc.name)


def _zero_cancelled(doctype: str, name: str) -> None:
	cost = frappe.qb.DocType("Customer Interaction Cost")
	linked = (cost.document_type == doctype) & (cost.document == name)
	parents = [p for (p,) in frappe.qb.from_(cost).select(cost.parent).distinct().where(linked).run()]
	if not parents:
		return
	frappe.qb.update(cost).set(cost.amount, 0).set(cost.document_status, "Cancelled").where(linked).run()
	for parent in parents:
		total = frappe.qb.from_(cost).select(Sum(cost.amount)).where(cost.parent == parent).run()[0][0]
		frappe.db.set_value(
			"Customer Interaction", parent, "complaint_cost", flt(total), update_modified=False
		)
