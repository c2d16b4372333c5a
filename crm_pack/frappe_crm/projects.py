"""A deal won in Frappe CRM starts an Implementation Project linked to the deal, the customer
and the order that came from the deal (Sales Order ← Quotation.crm_deal, Frappe CRM's own
link), from the deal's page in /crm. One project per deal: starting again opens it."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_absolute_url

from crm_pack.frappe_crm import identity


def is_won(deal: str) -> bool:
	status = frappe.db.get_value("CRM Deal", deal, "status")
	return bool(status) and frappe.db.get_value("CRM Deal Status", status, "type") == "Won"


def existing(deal: str) -> str | None:
	return frappe.db.get_value("Implementation Project", {"frappe_crm_deal": deal}, "name")


def order_of(deal: str, customer: str) -> str | None:
	"""The newest submitted Sales Order made from a quotation of this deal."""
	if not frappe.get_meta("Quotation").has_field("crm_deal"):
		return None
	QUOTATION, SO, SO_ITEM = DocType("Quotation"), DocType("Sales Order"), DocType("Sales Order Item")
	rows = (
		frappe.qb.from_(SO_ITEM)
		.join(SO)
		.on(SO.name == SO_ITEM.parent)
		.join(QUOTATION)
		.on(QUOTATION.name == SO_ITEM.prevdoc_docname)
		.select(SO.name)
		.where((QUOTATION.crm_deal == deal) & (SO.docstatus == 1) & (SO.customer == customer))
		.orderby(SO.transaction_date, order=frappe.qb.desc)
		.orderby(SO.creation, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	return rows[0][0] if rows else None


def can_start(deal: str, customer: str | None) -> bool:
	return bool(
		customer
		and is_won(deal)
		and not existing(deal)
		and frappe.has_permission("Implementation Project", "create")
	)


def start(deal: str) -> dict:
	"""Called after the caller checked read on the deal."""
	project = existing(deal)
	if not project:
		frappe.has_permission("Implementation Project", "create", throw=True)
		customer = identity.customer_of_deal(deal)
		if not customer:
			frappe.throw(_("Deal {0} has no customer in ERPNext yet: win it first.").format(deal))
		if not is_won(deal):
			frappe.throw(_("Deal {0} is not won: an implementation starts from a won deal.").format(deal))
		organization = frappe.db.get_value("CRM Deal", deal, "organization")
		customer_name = frappe.db.get_value("CRM Customer", customer, "customer_name")
		project = (
			frappe.get_doc(
				{
					"doctype": "Implementation Project",
					"project_name": _("{0} roll-out").format(organization or customer_name or customer),
					"customer": customer,
					"sales_order": order_of(deal, customer),
					"frappe_crm_deal": deal,
				}
			)
			.insert()
			.name
		)
	return {"name": project, "url": get_absolute_url("Implementation Project", project)}
