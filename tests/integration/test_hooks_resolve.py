"""Every dotted path in hooks.py resolves, so a typo fails CI, not a user."""

import frappe

from crm_pack import hooks


def _paths(value):
	if isinstance(value, str):
		if value.startswith("crm_pack.") or value.startswith("erpnext."):
			yield value
	elif isinstance(value, dict):
		for v in value.values():
			yield from _paths(v)
	elif isinstance(value, list | tuple):
		for v in value:
			yield from _paths(v)


def test_every_hook_path_resolves():
	paths = [
		p
		for name in dir(hooks)
		if not name.startswith("_")
		for p in _paths(getattr(hooks, name))
		if name != "override_whitelisted_methods" or p.startswith("crm_pack.")
	]
	assert len(paths) > 10
	for path in paths:
		assert callable(frappe.get_attr(path)), path


def test_doc_events_name_real_doctypes():
	for doctype in hooks.doc_events:
		assert frappe.db.exists("DocType", doctype), doctype


def test_js_hooks_point_at_files():
	import os

	for path in hooks.doctype_js.values():
		assert os.path.exists(frappe.get_app_path("crm_pack", path)), path


def test_scheduled_jobs_on_the_site_are_the_hooks_own():
	"""After a migrate (e.g. from an older layout) no job points at a path that is gone."""
	methods = set(
		frappe.get_all("Scheduled Job Type", filters={"method": ("like", "crm_pack.%")}, pluck="method")
	)
	in_hooks = {p for paths in hooks.scheduler_events.values() for p in _paths(paths)}
	assert methods == in_hooks
	for method in methods:
		assert callable(frappe.get_attr(method)), method


def test_shipped_roles_are_on_the_site():
	import json
	import os

	path = os.path.join(frappe.get_app_path("crm_pack"), "fixtures", "role.json")
	with open(path) as f:
		roles = [r["name"] for r in json.load(f)]
	assert set(roles) == {"CRM Manager", "CRM User", "Implementation Manager"}
	for role in roles:
		assert frappe.db.get_value("Role", role, "desk_access") == 1, role
