"""Whitelisted duplicate merge: CRM Managers only, with ERPNext's Customer permissions."""

import frappe
from frappe import _

from crm_pack.services import duplicates
from crm_pack.services.record_access import require_crm_manager


@frappe.whitelist(methods=["POST"])
def merge_customers(keep: str, duplicate: str) -> dict:
	require_crm_manager(_("Only a CRM Manager can merge customers."))
	kept = duplicates.merge(keep, duplicate)
	return {"kept": kept, "merged": duplicate}
