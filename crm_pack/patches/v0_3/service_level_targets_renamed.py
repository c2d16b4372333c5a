"""crm_pack's per-priority targets of a CRM Service Level were a child doctype named "CRM
Service Level Priority", which Frappe CRM names a doctype of its own too: on a site with
both, whichever app migrated last owned it. Renamed to "CRM Service Level Target" (before
the model sync, so the sync finds the renamed doctype). Where Frappe CRM already took the
name over, the rows are moved after the sync (service_level_targets_moved)."""

import frappe

OLD, NEW = "CRM Service Level Priority", "CRM Service Level Target"


def execute():
	if frappe.db.exists("DocType", NEW) or not frappe.db.exists("DocType", OLD):
		return
	if frappe.db.get_value("DocType", OLD, "module") != "CRM Pack":
		return  # Frappe CRM's now: its rows stay; ours are moved after the sync
	frappe.rename_doc("DocType", OLD, NEW, force=True, show_alert=False, rebuild_search=False)
