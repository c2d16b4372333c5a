"""Merging a duplicate customer is ERPNext's own Customer merge (rename with merge): every
order, invoice and ledger entry follows it, and crm_pack's after_rename hook
(overrides/customer.py) merges the CRM records and recomputes the figures."""

import frappe
from frappe import _


def merge(keep: str, duplicate: str) -> str:
	"""Merge `duplicate` into `keep` with ERPNext's Customer merge (rename with merge)."""
	if keep == duplicate:
		frappe.throw(_("Choose two different customers to merge."))
	for name in (keep, duplicate):
		if not frappe.db.exists("Customer", name):
			frappe.throw(_("Customer {0} does not exist.").format(name), frappe.DoesNotExistError)
	frappe.has_permission("Customer", "write", keep, throw=True)
	frappe.has_permission("Customer", "delete", duplicate, throw=True)
	return frappe.rename_doc("Customer", duplicate, keep, merge=True)
