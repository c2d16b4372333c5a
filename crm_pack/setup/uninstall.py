"""What crm_pack takes away before frappe drops its doctypes' tables."""

import frappe


def before_uninstall() -> None:
	from crm_pack.setup.complaint_agreement import remove_complaint_sla
	from crm_pack.setup.phase_boards import remove_desk_records

	remove_complaint_sla()
	remove_desk_records()
	# Timeline comments and versions that point at our records would otherwise outlive them.
	for doctype in ("CRM Customer", "Customer Interaction", "Implementation Project"):
		frappe.db.delete("Comment", {"reference_doctype": doctype})
		frappe.db.delete("Version", {"ref_doctype": doctype})
	frappe.db.delete("Scheduled Job Type", {"method": ("like", "crm_pack.%")})
