"""The ERP's own work comes first: crm_pack's side effects of an ERPNext document never
make that document fail."""

from collections.abc import Callable
from contextlib import contextmanager

import frappe


@contextmanager
def never_blocks(title: str, doc=None, on_failure: Callable[[], None] | None = None):
	"""Runs the block inside a savepoint. Any error undoes the block's own writes, is
	logged under `title` (with the document as reference) and is not raised, except a
	deadlock: the database has then rolled the whole transaction back, so going on would
	pretend to save what is gone. `on_failure` runs after the block was undone."""
	savepoint = "crm_pack_guard"
	frappe.db.savepoint(savepoint)
	try:
		yield
	except Exception as e:
		if frappe.db.is_deadlocked(e):
			raise
		frappe.db.rollback(save_point=savepoint)
		frappe.log_error(
			title=title,
			reference_doctype=doc.doctype if doc is not None else None,
			reference_name=doc.name if doc is not None else None,
		)
		if on_failure:
			on_failure()
		return
	frappe.db.release_savepoint(savepoint)
