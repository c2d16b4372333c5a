"""On when Frappe CRM is installed on the site and CRM Pack Settings does not turn it off.

`apply` puts Frappe CRM's extension points in place or takes them away to match: an HTML
custom field `crm_pack_account` on CRM Deal and CRM Organization, a "Customer Account"
section first in their side panels (CRM Fields Layout), and one CRM Form Script per doctype
that fills the field from `crm_pack.api.frappe_crm.get_account`. It runs on install and
migrate, when the setting changes, when Frappe CRM is installed after crm_pack
(`after_app_install`), and `teardown` when either app is uninstalled. Nothing here changes
a record the user made: the layouts keep their sections, only ours is added or removed."""

import json
from pathlib import Path

import frappe

APP = "crm"
DOCTYPES = ("CRM Deal", "CRM Organization")
FIELD = "crm_pack_account"
SECTION = "crm_pack_account_section"
SCRIPTS = {
	"CRM Deal": "CRM Pack Customer Account (Deal)",
	"CRM Organization": "CRM Pack Customer Account (Organization)",
}
SCRIPT_FILES = Path(__file__).parent / "form_scripts"


def installed() -> bool:
	return APP in frappe.get_installed_apps()


def active() -> bool:
	if not installed():
		return False
	return not frappe.db.get_single_value("CRM Pack Settings", "frappe_crm_bridge_off")


def apply() -> None:
	if active():
		setup()
	elif installed():
		teardown()


def setup() -> None:
	_custom_fields()
	for doctype in DOCTYPES:
		_add_section(doctype)
		_form_script(doctype)


def teardown() -> None:
	for doctype in DOCTYPES:
		name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": FIELD})
		if name:
			frappe.delete_doc(
				"Custom Field", name, ignore_permissions=True, force=True, delete_permanently=True
			)
		if installed():
			_remove_section(doctype)
			if frappe.db.exists("CRM Form Script", SCRIPTS[doctype]):
				frappe.delete_doc(
					"CRM Form Script",
					SCRIPTS[doctype],
					ignore_permissions=True,
					force=True,
					delete_permanently=True,
				)
		frappe.clear_cache(doctype=doctype)


def migrated() -> bool:
	"""crm_pack's schema has the bridge's fields: not so between an update of crm_pack's code
	and its migrate, when crm_pack's after_migrate applies the switch instead."""
	return frappe.get_meta("CRM Pack Settings").has_field("frappe_crm_bridge_off") and frappe.get_meta(
		"CRM Customer"
	).has_field("frappe_crm_organization")


def after_app_install(app_name: str) -> None:
	"""Frappe CRM installed on a site that has crm_pack: switch on and link what exists."""
	if app_name != APP or not migrated() or not active():
		return
	setup()
	from crm_pack.frappe_crm import identity

	identity.link_existing()


def before_app_uninstall(app_name: str) -> None:
	"""Frappe CRM leaves: nothing of the bridge stays behind (its tables go with it)."""
	if app_name != APP:
		return
	teardown()
	from crm_pack.frappe_crm import identity

	identity.forget_all()


def _custom_fields() -> None:
	for doctype, after in (("CRM Deal", "organization"), ("CRM Organization", "organization_name")):
		if frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": FIELD}):
			continue
		# an HTML field has no column: no schema sync, which would also commit the transaction
		before, frappe.flags.in_create_custom_fields = frappe.flags.in_create_custom_fields, True
		try:
			frappe.get_doc(
				{
					"doctype": "Custom Field",
					"dt": doctype,
					"fieldname": FIELD,
					"fieldtype": "HTML",
					"label": "Customer Account",
					"insert_after": after,
					"description": "crm_pack: the customer's account in ERPNext (outstanding, overdue, follow-ups).",
				}
			).insert(ignore_permissions=True)
		finally:
			frappe.flags.in_create_custom_fields = before
		frappe.clear_cache(doctype=doctype)


def _layout(doctype: str) -> tuple[str | None, str | None]:
	row = frappe.db.get_value("CRM Fields Layout", {"dt": doctype, "type": "Side Panel"}, ["name", "layout"])
	return (row[0], row[1]) if row else (None, None)


def _add_section(doctype: str) -> None:
	section = {
		"label": "Customer Account",
		"name": SECTION,
		"opened": True,
		"columns": [{"name": "crm_pack_account_column", "fields": [FIELD]}],
	}
	name, layout = _layout(doctype)
	sections = json.loads(layout or "[]")
	if any(s.get("name") == SECTION for s in sections):
		return
	# first: what a salesperson must know before calling the customer
	layout = json.dumps([section, *sections])
	if name:
		# the layout's value only: no Version row for a change the user did not make
		frappe.db.set_value("CRM Fields Layout", name, "layout", layout, update_modified=False)
	else:
		frappe.get_doc(
			{"doctype": "CRM Fields Layout", "dt": doctype, "type": "Side Panel", "layout": layout}
		).insert(ignore_permissions=True)


def _remove_section(doctype: str) -> None:
	name, layout = _layout(doctype)
	if not name:
		return
	sections = json.loads(layout or "[]")
	kept = [s for s in sections if s.get("name") != SECTION]
	if len(kept) != len(sections):
		frappe.db.set_value("CRM Fields Layout", name, "layout", json.dumps(kept), update_modified=False)


def script_for(doctype: str) -> str:
	"""Frappe CRM runs each form script on its own, so the panel's shared function is put
	before the doctype's class in each."""
	return "\n".join(
		(SCRIPT_FILES / name).read_text() for name in ("account_panel.js", frappe.scrub(doctype) + ".js")
	)


def _form_script(doctype: str) -> None:
	script = script_for(doctype)
	name = SCRIPTS[doctype]
	if frappe.db.exists("CRM Form Script", name):
		# a new crm_pack release may bring a new script; the record is ours, not the user's
		if frappe.db.get_value("CRM Form Script", name, "script") != script:
			frappe.db.set_value("CRM Form Script", name, {"script": script, "enabled": 1})
		return
	frappe.get_doc(
		{
			"doctype": "CRM Form Script",
			"name": name,
			"dt": doctype,
			"view": "Form",
			"enabled": 1,
			"is_standard": 1,
			"script": script,
		}
	).insert(ignore_permissions=True)
