"""Orders, invoices and payments on the CRM Customer timeline, read when the form opens
(the collector sees the promise and the payment that kept it, side by side).

Nothing is written at submit time: the entries come from ERPNext's own Version
records, so they cost the submit nothing and cannot disagree with the documents."""

import json

import frappe
from frappe import _
from frappe.utils import fmt_money, get_absolute_url

from crm_pack.utils.html import escape_once

# doctype -> (its customer filter, its amount and that amount's currency)
DOCTYPES = {
	"Sales Order": (lambda customer: {"customer": customer}, "grand_total", "currency"),
	"Sales Invoice": (lambda customer: {"customer": customer}, "grand_total", "currency"),
	"Payment Entry": (
		lambda customer: {"party_type": "Customer", "party": customer},
		"paid_amount",
		"paid_from_account_currency",
	),
}
LIMIT = 50


def ledger_documents(doctype: str, docname: str) -> list[dict]:
	entries = []
	for dt, (customer_filter, amount, currency) in DOCTYPES.items():
		# a CRM user may not read invoices or payments: the form must still open, without them
		if not frappe.has_permission(dt, "read"):
			continue
		docs = {
			d.name: d
			for d in frappe.get_list(
				dt,
				filters={**customer_filter(docname), "docstatus": ("in", (1, 2))},
				fields=["name", "docstatus", amount, currency, "modified"],
				order_by="modified desc",
				limit=LIMIT,
			)
		}
		if not docs:
			continue
		versions = frappe.get_all(
			"Version",
			filters={"ref_doctype": dt, "docname": ("in", list(docs))},
			fields=["docname", "creation", "data"],
		)
		for v in versions:
			action = _docstatus_change(v.data)
			if action:
				doc = docs[v.docname]
				entries.append(_entry(dt, doc, action, v.creation, doc[amount], doc[currency]))
	return entries


def _docstatus_change(data: str) -> str | None:
	try:
		changed = json.loads(data or "{}").get("changed") or []
	except ValueError:
		return None
	for field, _old, new in changed:
		if field == "docstatus":
			return {1: "submitted", 2: "cancelled"}.get(int(new))
	return None


def _entry(doctype: str, doc, action: str, when, amount: float, currency: str) -> dict:
	message = _("{0} {1} submitted: {2}") if action == "submitted" else _("{0} {1} cancelled: {2}")
	link = f'<a href="{escape_once(get_absolute_url(doctype, doc.name))}">{frappe.utils.escape_html(doc.name)}</a>'
	return {
		"icon": "file" if action == "submitted" else "close",
		"creation": when,
		"content": message.format(_(doctype), link, fmt_money(amount, currency=currency)),
	}


INTERACTION_ICONS = {"Email": "mail", "Phone": "call", "Visit": "map"}


def interactions(doctype: str, docname: str) -> list[dict]:
	"""The customer's interactions, on the CRM Customer and on ERPNext's Customer timeline
	(both are named after the customer). Read with the user's permissions."""
	if not frappe.has_permission("Customer Interaction", "read"):
		return []
	rows = frappe.get_list(
		"Customer Interaction",
		filters={"customer": docname},
		fields=[
			"name",
			"interaction_datetime",
			"channel",
			"direction",
			"interaction_type",
			"subject",
			"handled_by",
		],
		order_by="interaction_datetime desc",
		limit=LIMIT,
	)

	return [
		{
			"icon": INTERACTION_ICONS.get(r.channel, "message-1"),
			"creation": r.interaction_datetime,
			"content": _("{0} ({1}, {2}): {3} — {4}").format(
				f'<a href="{escape_once(get_absolute_url("Customer Interaction", r.name))}">{escape_once(_(r.interaction_type))}</a>',
				escape_once(_(r.channel)),
				escape_once(_(r.direction)),
				escape_once(r.subject or ""),
				escape_once(r.handled_by or _("nobody assigned")),
			),
		}
		for r in rows
	]
