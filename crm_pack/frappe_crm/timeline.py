"""Frappe CRM's notes, calls, tasks and emails on the customer's deals, on the CRM Customer's
timeline beside its Customer Interactions (hooks: additional_timeline_content). Read when
the form opens, never copied into crm_pack: one list for the reader, no double entry. Each
entry links to the deal in `/crm`.

Notes, calls and tasks are read through `frappe.get_list` (Frappe CRM's permissions). Emails
are Communications whose reference is the deal; frappe lets a reader see such an email when
they may read the deal it references (Communication's `has_permission`), which is how
Frappe CRM's own activity feed reads them. Its list condition instead keys on the reader's
email accounts, which would hide a deal's emails from the salespeople who see them in /crm;
so they are read for the deals the reader may read (`deals.visible_names`), nothing else."""

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
EMAIL_FIELDS = [
	"name",
	"subject",
	"sender",
	"sender_full_name",
	"sent_or_received",
	"reference_name",
	"creation",
]


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
	for row in frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": "CRM Deal",
			"reference_name": ("in", names),
			"communication_type": "Communication",
			"communication_medium": "Email",
		},
		fields=EMAIL_FIELDS,
		order_by="creation desc",
		limit=LIMIT,
	):
		entries.append({"icon": "mail", "creation": row.creation, "content": _email(row)})
	return entries


def _email(row) -> str:
	who = escape_html(row.sender_full_name or row.sender or "")
	deal = _deal_link(row.reference_name)
	subject = escape_html(row.subject or "")
	if row.sent_or_received == "Received":
		return _("Email from {0} on {1} in Frappe CRM: {2}").format(who, deal, subject)
	return _("Email sent by {0} on {1} in Frappe CRM: {2}").format(who, deal, subject)


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
