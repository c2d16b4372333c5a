"""A complaint's cost: the credit notes, return deliveries and warranty claims it caused,
valued from the documents themselves and kept current when one of them is cancelled.

Costs are in the default company's currency: a document of a company in another
currency is converted at ERPNext's exchange rate (Currency Exchange) of its posting
date; without a recorded rate the interaction is refused with a message saying so."""

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from crm_pack.interactions.rules.interaction_checks import check_cost_row, cost_of
from crm_pack.ledger.currencies import home_currency, rates_into
from crm_pack.utils.guard import never_blocks

FIELDS = {
	"Sales Invoice": (
		"customer",
		"docstatus",
		"is_return",
		"base_grand_total",
		"posting_date",
		"status",
		"company",
	),
	"Delivery Note": (
		"customer",
		"docstatus",
		"is_return",
		"base_grand_total",
		"posting_date",
		"status",
		"company",
	),
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
		rate = _rate_into_home(found)
		if rate is None:
			currency = frappe.get_cached_value("Company", found.get("company"), "default_currency")
			frappe.throw(
				_(
					"Row {0}: no exchange rate from {1} to {2} on {3}. Record one in Currency Exchange."
				).format(
					row.idx, currency, home_currency(), frappe.utils.formatdate(found.get("posting_date"))
				),
				title=_("Exchange rate missing"),
			)
		row.amount = round(cost_of(row.document_type, found, flt(row.amount)) * rate, 2)
		total += flt(row.amount)
	interaction.complaint_cost = total
	return problems


def _rate_into_home(found: dict) -> float | None:
	company = found.get("company")
	if not company:
		return 1.0  # a warranty claim's entered cost is in the default currency
	currency = frappe.get_cached_value("Company", company, "default_currency")
	home = home_currency()
	if currency == home:
		return 1.0
	return rates_into(home, [currency], found.get("posting_date")).get(currency)


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
