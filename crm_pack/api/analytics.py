"""Whitelisted analytics methods."""

import frappe
from frappe import _

from crm_pack.permissions import require_crm_manager


@frappe.whitelist()
def run_now() -> str:
	"""CRM Managers start the analytics at once (long queue, with progress)."""
	require_crm_manager(_("Only a CRM Manager can run the customer analytics."))
	frappe.enqueue("crm_pack.analytics.nightly.recompute_all_job", queue="long", timeout=3600)
	return _("Customer analytics started; the figures update when it finishes.")
