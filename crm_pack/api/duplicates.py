"""Whitelisted duplicate merge: CRM Managers only, with ERPNext's Customer permissions."""

import frappe
from frappe import _

from crm_pack.services import duplicates


@frappe.whitelist(methods=["POST"])
def merge_customers(keep: str, duplicate: str) -> dict:
	if not {"CRM Manager", "System Manager"} & set(frappe.get_roles()):
		frappe.throw(_("Only a CRM Manager can merge customers."), frappe.PermissionError)
	kept = duplicates.merge(keep, duplicate)
	return {"kept": kept, "merged": duplicate}
