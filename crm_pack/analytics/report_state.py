"""What the analytics reports say before there is anything to show."""

import frappe
from frappe import _


def not_run_yet_message() -> str | None:
	"""The reports' message while no analytics run has finished on this site: the figures
	are not zero, they are not computed yet."""
	crm = frappe.qb.DocType("CRM Customer")
	ran = frappe.qb.from_(crm).select(crm.name).where(crm.analytics_updated_on.isnotnull()).limit(1).run()
	if ran:
		return None
	if frappe.db.count("CRM Customer") == 0:
		return _("No customers yet: the analytics fill in once customers have invoices.")
	return _(
		"The customer analytics have not run yet on this site. They run every night; a CRM Manager "
		"can run them now with Run Analytics Now."
	)
