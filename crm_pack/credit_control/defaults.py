"""The follow-up levels a site starts with (install, and a patch for sites installed
before): what an accountant expects out of the box. No Dunning Type is named: Dunning
Types are the company's ERPNext records, with its own fees and letter texts; a level
without one sends no Dunning. collections_enabled stays off until a manager turns it on."""

import frappe

from crm_pack.problems import _

# English titles are the stored text and the translation key (shown through _())
DEFAULT_LEVELS = (
	{"days_overdue": 1, "title": _("Friendly reminder"), "channel": "Email", "attach_statement": 0},
	{"days_overdue": 15, "title": _("Phone call"), "channel": "Phone"},
	{"days_overdue": 30, "title": _("Formal letter"), "channel": "Letter", "attach_statement": 1},
	{"days_overdue": 60, "title": _("Stop new orders"), "channel": "Phone", "stop_new_orders": 1},
)


def seed_levels() -> bool:
	"""Adds the default levels when the settings have none; returns whether it did."""
	settings = frappe.get_single("CRM Pack Settings")
	if settings.get("collection_levels"):
		return False
	for row in DEFAULT_LEVELS:
		settings.append("collection_levels", row)
	settings.flags.ignore_permissions = True
	settings.save()
	return True
