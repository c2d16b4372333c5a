"""Install lifecycle: what crm_pack adds to a site and takes away again.

crm_pack adds no custom fields to ERPNext doctypes: the CRM record is its own
doctype linked by the Customer's name, so uninstalling drops only crm_pack's own
tables and leaves every ERPNext row untouched. What it creates in ERPNext's own
records — the complaint Service Level Agreement (which adds its fields to our
Customer Interaction) and, when the company has none, a weekend holiday list — it
removes before uninstalling.
"""

import frappe

ROLES = ("CRM Manager", "CRM User", "Implementation Manager")


def after_install() -> None:
	ensure_roles()
	ensure_crm_customers_for_all()
	ensure_complaint_sla()
	ensure_desk_records()
	# Figures for existing customers, set-based, committed in batches.
	from crm_pack.services.ledger_sync import recompute_all

	recompute_all(commit=True)
	from crm_pack.services import data_quality

	data_quality.recompute()
	frappe.db.commit()


def after_migrate() -> None:
	ensure_roles()
	ensure_desk_records()


def ensure_desk_records() -> None:
	"""Kanban boards of implementation phases (workspace and cards ship as module files)."""
	from crm_pack.services.desk_setup import ensure_desk_records as ensure

	ensure()


def ensure_roles() -> None:
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def ensure_complaint_sla() -> None:
	"""The default complaint service level on ERPNext's SLA engine (also a patch)."""
	from crm_pack.services.service_levels import ensure_complaint_sla as ensure

	ensure()


def ensure_crm_customers_for_all() -> None:
	"""A CRM Customer for every Customer that lacks one (also a patch)."""
	from crm_pack.services.customer_records import ensure_for_customers

	ensure_for_customers()


def before_uninstall() -> None:
	from crm_pack.services.service_levels import remove_complaint_sla

	remove_complaint_sla()
	from crm_pack.services.desk_setup import remove_desk_records

	remove_desk_records()
	# Timeline comments and versions that point at our records would otherwise outlive them.
	for doctype in ("CRM Customer", "Customer Interaction", "Implementation Project"):
		frappe.db.delete("Comment", {"reference_doctype": doctype})
		frappe.db.delete("Version", {"ref_doctype": doctype})
	frappe.db.delete("Scheduled Job Type", {"method": ("like", "crm_pack.%")})
