"""Frappe CRM's notes, calls and tasks on the customer's deals, on the CRM Customer's timeline
beside its Customer Interactions (hooks: additional_timeline_content). Read when the form
opens, through `frappe.get_list` (Frappe CRM's permissions), never copied into crm_pack:
one list for the reader, no double entry. Each entry links to the deal in `/crm`."""

from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import escape_html, strip_html

from crm_pack.frappe_crm import deals

LIMIT = 50
SOURCES = {
	# doctype: (fields, icon)
	"FCRM Note": (["name", "title", "content", "reference_docname", "owner", "creation"], "small-message"),
	"CRM Call Log": (
		["name", "type", "status", "duration", "reference_docname", "note", "creation"],
		"call",
	),
	"CRM Task": (["name", "title", "status", "due_date", "reference_docname", "creation"], "todo"),
}


def activities(doctype: str, docname: str) -> list[dict]:
	names = deals.visible_names(docname)
	if not names:
		return []
	entries = []
	for source, (fields, icon) in SOURCES.items():
		if not frappe.has_permission(source, "read"):
			continue
		for row in frappe.get_list(
			source,
			filters={"reference_doctype": "CRM Deal", "reference_docname": ("in", names)},
			fields=fields,
			order_by="creation desc",
			limit=LIMIT,
		):
			entries.append({"icon": icon, "creation": row.creation, "content": _content(source, row)})
	return entries


def _deal_link(deal: str) -> str:
	return f'<a href="/crm/deals/{quote(deal)}">{escape_html(deal)}</a>'


def _content(source: str, row) -> str:
	deal = _deal_link(row.reference_docname)
	if source == "FCRM Note":
		text = strip_html(row.content or "")[:200]
		return _("Note on {0} in Frappe CRM: {1}").format(
			deal, escape_html(" — ".join(t for t in (row.title, text) if t))
		)
	if source == "CRM Call Log":
		return _("{0} call on {1} in Frappe CRM: {2}").format(
			escape_html(_(row.type or "")), deal, escape_html(_(row.status or ""))
		)
	return _("Task on {0} in Frappe CRM: {1} ({2})").format(
		deal, escape_html(row.title or ""), escape_html(_(row.status or ""))
	)
