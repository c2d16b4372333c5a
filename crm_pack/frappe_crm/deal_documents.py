"""The quotations that came from a deal and the sales orders made from them, for the
customer's deals on the CRM Customer and for the deal's own side panel in Frappe CRM.

What ties them is Frappe CRM's own link, nothing crm_pack writes: a quotation names its
deal in `Quotation.crm_deal` (the field ERPNext adds for Frappe CRM) or, when made from
Frappe CRM's "Create Quotation" on the same site, as its party (`quotation_to` "CRM Deal");
a Sales Order made from the quotation names it on its items (`prevdoc_docname`). Read
through `frappe.get_list`, so the reader sees only the quotations and orders ERPNext lets
them read (roles, user permissions on company or customer)."""

import frappe
from frappe.query_builder import DocType
from frappe.utils import get_absolute_url

QUOTATION_FIELDS = ["name", "status", "docstatus", "grand_total", "currency", "transaction_date"]
ORDER_FIELDS = [
	"name",
	"status",
	"docstatus",
	"grand_total",
	"currency",
	"transaction_date",
	"per_delivered",
	"per_billed",
]
LIMIT = 200


def _quotations(deal_names: list[str]) -> list[dict]:
	"""Draft and submitted quotations of these deals, each with the deal it came from."""
	if not frappe.has_permission("Quotation", "read"):
		return []
	by_name = {}
	lookups = [("quotation_to", "party_name")]
	if frappe.get_meta("Quotation").has_field("crm_deal"):
		lookups.insert(0, (None, "crm_deal"))
	for party_type, field in lookups:
		filters = {field: ("in", deal_names), "docstatus": ("<", 2)}
		if party_type:
			filters[party_type] = "CRM Deal"
		for row in frappe.get_list(
			"Quotation",
			filters=filters,
			fields=[*QUOTATION_FIELDS, f"{field} as deal"],
			order_by="transaction_date desc, creation desc",
			limit=LIMIT,
		):
			by_name.setdefault(row.name, row)
	return list(by_name.values())


def _orders(quotation_names: list[str]) -> list[dict]:
	"""Draft and submitted sales orders made from these quotations, each with its quotation."""
	if not quotation_names or not frappe.has_permission("Sales Order", "read"):
		return []
	orders = frappe.get_list(
		"Sales Order",
		filters=[
			["Sales Order Item", "prevdoc_docname", "in", quotation_names],
			["docstatus", "<", 2],
		],
		fields=ORDER_FIELDS,
		distinct=True,
		limit=LIMIT,
	)
	# sorted here: with the items joined, an order_by on plain fields would be ambiguous
	orders.sort(key=lambda o: (o.transaction_date, o.name), reverse=True)
	if not orders:
		return []
	# which quotation each order came from (the reader may read the order: its items are its)
	item = DocType("Sales Order Item")
	source = dict(
		frappe.qb.from_(item)
		.select(item.parent, item.prevdoc_docname)
		.distinct()
		.where(item.parent.isin([o.name for o in orders]) & item.prevdoc_docname.isin(quotation_names))
		.run()
	)
	for order in orders:
		order.quotation = source.get(order.name)
	return orders


def for_deals(deal_names: list[str]) -> dict[str, dict]:
	"""deal → {"quotations": [...], "orders": [...]}, newest first, for the deals given (which
	the caller has checked the reader may read)."""
	out = {name: {"quotations": [], "orders": []} for name in deal_names}
	if not deal_names:
		return out
	quotations = _quotations(deal_names)
	deal_of = {q.name: q.deal for q in quotations}
	for q in quotations:
		q.url = get_absolute_url("Quotation", q.name)  # /app on v15, /desk on v16
		out[q.deal]["quotations"].append(q)
	for order in _orders(list(deal_of)):
		order.url = get_absolute_url("Sales Order", order.name)
		deal = deal_of.get(order.quotation)
		if deal:
			out[deal]["orders"].append(order)
	return out
