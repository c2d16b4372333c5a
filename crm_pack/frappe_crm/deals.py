"""A customer's deals in Frappe CRM, for the CRM Customer and its 360.

Read live through `frappe.get_list("CRM Deal")`, so Frappe CRM's own rules decide which
deals the reader sees (its roles, its sales hierarchy: crm.permissions.org_hierarchy); a
reader without read on CRM Deal sees none. A customer's deals are those of its anchored
organization and those Frappe CRM made it from (CRM Deal.erpnext_customer)."""

from urllib.parse import quote

import frappe

from crm_pack.frappe_crm import deal_documents, identity, switch
from crm_pack.frappe_crm.rules.deals import kind, summarize

FIELDS = [
	"name",
	"organization",
	"status",
	"deal_value",
	"currency",
	"deal_owner",
	"expected_closure_date",
	"closed_date",
	"modified",
]
SHOWN = 10


def _or_filters(customer: str, organization: str | None) -> list:
	"""The customer's deals: its anchored organization's and those Frappe CRM made it from."""
	or_filters = []
	if organization:
		or_filters.append(["CRM Deal", "organization", "=", organization])
	if frappe.get_meta("CRM Deal").has_field("erpnext_customer"):
		or_filters.append(["CRM Deal", "erpnext_customer", "=", customer])
	return or_filters


def visible_names(customer: str) -> list[str]:
	"""The customer's deals the reader may read in Frappe CRM (none where the bridge is off)."""
	if not switch.active() or not frappe.has_permission("CRM Deal", "read"):
		return []
	or_filters = _or_filters(customer, identity.organization_of(customer))
	if not or_filters:
		return []
	return frappe.get_list("CRM Deal", or_filters=or_filters, pluck="name", limit=500)


def for_customer(customer: str) -> dict | None:
	"""None where the bridge is off; else the deals the reader may see, newest first, and
	their summary."""
	if not switch.active():
		return None
	if not frappe.has_permission("CRM Deal", "read"):
		return {"permitted": False, "deals": [], "summary": summarize([], {})}
	organization = identity.organization_of(customer)
	or_filters = _or_filters(customer, organization)
	deals = (
		frappe.get_list("CRM Deal", fields=FIELDS, or_filters=or_filters, order_by="modified desc", limit=500)
		if or_filters
		else []
	)
	types = dict(frappe.get_all("CRM Deal Status", fields=["name", "type"], as_list=True))
	owners = {d.deal_owner for d in deals if d.deal_owner}
	names = (
		dict(
			frappe.get_all(
				"User", filters={"name": ("in", list(owners))}, fields=["name", "full_name"], as_list=True
			)
		)
		if owners
		else {}
	)
	for d in deals:
		d.kind = kind(types.get(d.status))
		d.owner_name = names.get(d.deal_owner) or d.deal_owner
		d.url = f"/crm/deals/{quote(d.name)}"
	shown = deals[:SHOWN]
	documents = deal_documents.for_deals([d.name for d in shown])
	for d in shown:
		d.update(documents[d.name])
	return {
		"permitted": True,
		"organization": organization,
		"organization_url": f"/crm/organizations/{quote(organization)}" if organization else None,
		"deals": shown,
		"count": len(deals),
		"summary": summarize(deals, types),
	}
