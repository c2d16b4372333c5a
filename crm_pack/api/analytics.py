"""Whitelisted analytics methods."""

import frappe
from frappe import _

from crm_pack.permissions import require_crm_manager


@frappe.whitelist(methods=["POST"])
def run_now() -> dict:
	"""CRM Managers start the analytics at once: queued on the long queue, one run at a
	time, progress shown to them and a notification when it is done."""
	require_crm_manager(_("Only a CRM Manager can run the customer analytics."))
	from frappe.utils.background_jobs import is_job_enqueued

	from crm_pack.analytics.nightly import RUN_NOW_JOB_ID

	if is_job_enqueued(RUN_NOW_JOB_ID):
		return {"queued": False, "message": _("The customer analytics are already running.")}
	frappe.enqueue(
		"crm_pack.analytics.nightly.run_for",
		queue="long",
		timeout=3600,
		job_id=RUN_NOW_JOB_ID,
		deduplicate=True,
		user=frappe.session.user,
	)
	return {"queued": True, "message": _("Customer analytics started; the figures update when it finishes.")}


@frappe.whitelist()
def status() -> dict:
	"""For the workspace's notice: what to say while the analytics have not run yet (None
	once they have), and whether this user may start them."""
	frappe.has_permission("CRM Customer", "read", throw=True)
	from crm_pack.analytics.report_state import not_run_yet_message
	from crm_pack.permissions import CRM_MANAGERS

	return {
		"message": not_run_yet_message(),
		"can_run": bool(CRM_MANAGERS & set(frappe.get_roles())),
	}
