"""Whitelisted payment follow-up methods: permission first."""

import frappe
from frappe import _

from crm_pack.permissions import require_crm_manager

JOB_ID = "crm_pack::follow_ups_now"


@frappe.whitelist(methods=["POST"])
def run_follow_ups_now() -> dict:
	"""Queue today's payment follow-up run (the daily job, at once). Safe to repeat: a
	customer already at its level takes no step again."""
	require_crm_manager(_("Only a CRM Manager can run the payment follow-ups."))
	if not frappe.db.get_single_value("CRM Pack Settings", "collections_enabled"):
		frappe.throw(
			_(
				"Payment follow-ups are switched off: turn on Run Payment Follow-ups Daily in CRM Pack Settings first."
			)
		)
	frappe.enqueue(
		"crm_pack.credit_control.follow_up_run.daily_job",
		queue="long",
		job_id=JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)
	return {"queued": True, "message": _("Payment follow-ups queued.")}
