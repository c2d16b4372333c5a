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
