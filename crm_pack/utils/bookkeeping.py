"""Links crm_pack writes on a document right after its own save (its ToDo, its complaint,
its email's message id): bookkeeping, not a change anyone made.

frappe's db_set records a Version of the whole in-memory difference, and a document
just inserted holds None where the database stored 0, so every new interaction read
"changed Satisfaction from 0 to null, Promised Amount from 0 to null…" on its timeline."""

import frappe


def set_link(doc, fieldname: str, value) -> None:
	frappe.db.set_value(doc.doctype, doc.name, fieldname, value, update_modified=False)
	doc.set(fieldname, value)
