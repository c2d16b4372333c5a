"""Whitelisted duplicate merge: CRM Managers only, with ERPNext's Customer permissions."""

import frappe
from frappe import _

from crm_pack.permissions import require_crm_manager
from crm_pack.relationship import merge


@frappe.whitelist(methods=["POST"])
def merge_customers(keep: str, duplicate: str) -> dict:
	require_crm_manager(_("Only a CRM Manager can merge customers."))
	kept = merge.merge(keep, duplicate)
	return {"kept": kept, "merged": duplicate}
