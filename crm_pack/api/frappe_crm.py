"""Whitelisted doors of the Frappe CRM bridge (crm_pack/frappe_crm)."""

import frappe
from frappe import _

from crm_pack.frappe_crm import account, deal_documents, identity, projects, switch
from crm_pack.permissions import require_crm_manager

PANEL_DOCTYPES = ("CRM Deal", "CRM Organization")


@frappe.whitelist()
def get_account(doctype: str, name: str) -> dict:
	"""The customer's account for Frappe CRM's Organization or Deal side panel: Frappe CRM
	decides whether the reader sees the deal or organization, crm_pack whether they see the
	customer's money (its CRM Customer rule) and which companies' books."""
	if doctype not in PANEL_DOCTYPES:
		frappe.throw(_("The customer's account is shown on a Deal or an Organization only."))
	if not switch.active():
		return {}
	if not frappe.db.exists(doctype, name):
		frappe.throw(_("{0} {1} does not exist.").format(_(doctype), name), frappe.DoesNotExistError)
	frappe.has_permission(doctype, "read", name, throw=True)
	customer = identity.customer_of(doctype, name)
	if not customer:
		return {"customer": None}
	if not frappe.has_permission("CRM Customer", "read", customer):
		return {"customer": customer, "permitted": False, "html": account.not_shared()}
	data = account.read(customer)
	if doctype == "CRM Deal":
		data["documents"] = deal_documents.for_deals([name])[name]
	out = {**data, "customer": customer, "permitted": True, "html": account.render(data)}
	if doctype == "CRM Deal":
		out["implementation_project"] = projects.existing(name)
		if out["implementation_project"]:
			out["implementation_project_url"] = frappe.utils.get_absolute_url(
				"Implementation Project", out["implementation_project"]
			)
		out["can_start_project"] = projects.can_start(name, customer)
	return out


@frappe.whitelist(methods=["POST"])
def link_existing_organizations() -> dict:
	"""One-off: anchor the organizations that existed before the bridge on their customers."""
	require_crm_manager(_("Only a CRM Manager can link Frappe CRM organizations to customers."))
	if not switch.active():
		frappe.throw(
			_("The Frappe CRM bridge is off: Frappe CRM is not installed or CRM Pack Settings turns it off.")
		)
	return identity.link_existing()


@frappe.whitelist(methods=["POST"])
def start_implementation_project(deal: str) -> dict:
	"""A won deal starts its Implementation Project (or opens the one it has)."""
	if not switch.active():
		frappe.throw(
			_("The Frappe CRM bridge is off: Frappe CRM is not installed or CRM Pack Settings turns it off.")
		)
	frappe.has_permission("CRM Deal", "read", deal, throw=True)
	return projects.start(deal)
