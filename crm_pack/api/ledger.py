"""Whitelisted ledger methods: each checks permission before it reads or writes."""

import frappe
from frappe import _

from crm_pack.ledger import refresh
from crm_pack.permissions import require_crm_manager

SUMMARY_FIELDS = (
	"customer",
	"customer_name",
	"currency",
	"relationship_owner",
	"lifecycle_stage",
	"abc_tier",
	"total_ordered",
	"open_orders_amount",
	"order_count",
	"first_order_date",
	"last_order_date",
	"total_billed",
	"total_paid",
	"outstanding_amount",
	"overdue_amount",
	"last_invoice_date",
	"ledger_updated_on",
	"ledger_dirty",
)


@frappe.whitelist(methods=["POST"])
def recompute_all_customers() -> dict:
	"""Queue a recompute of every customer from the books (one at a time: a second request
	while one is queued or running is told so). Progress goes to the user who started it,
	and a notification with the differences corrected when it ends."""
	require_crm_manager(_("Only a CRM Manager can recompute all customers."))
	from frappe.utils.background_jobs import is_job_enqueued

	if is_job_enqueued(refresh.RECOMPUTE_ALL_JOB_ID):
		return {"queued": False, "message": _("A recompute of all customers is already running.")}
	frappe.enqueue(
		"crm_pack.ledger.refresh.recompute_all_for",
		queue="long",
		timeout=6 * 3600,
		job_id=refresh.RECOMPUTE_ALL_JOB_ID,
		deduplicate=True,
		user=frappe.session.user,
	)
	return {
		"queued": True,
		"message": _("Recomputing every customer's figures; you will be notified when it is done."),
	}


@frappe.whitelist()
def get_customer_summary(customer: str) -> dict:
	"""The stored ledger figures of one customer: one row read, whatever its history."""
	frappe.has_permission("CRM Customer", "read", customer, throw=True)
	crm = frappe.qb.DocType("CRM Customer")
	rows = (
		frappe.qb.from_(crm)
		.select(*(crm[f] for f in SUMMARY_FIELDS))
		.where(crm.name == customer)
		.run(as_dict=True)
	)
	if not rows:
		frappe.throw(_("Customer {0} has no CRM record.").format(customer), frappe.DoesNotExistError)
	return rows[0]
