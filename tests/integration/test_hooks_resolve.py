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
