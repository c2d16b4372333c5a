"""Collections: run the payment follow-ups now (CRM Managers), log a call's outcome in one click (from the worklist or the CRM Customer),
and the worklist's number card.

The call becomes a Customer Interaction (channel Phone, handled by the caller) of the type
its outcome calls for: a promise to pay, a dispute or a payment reminder. It is inserted
with the caller's permissions, so the interaction's own rules — a promise's amount and
date, a dispute's invoices — run as for one made on its form."""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime

from crm_pack.credit_control import worklist
from crm_pack.credit_control.rules import worklist as rules
from crm_pack.utils.validation import throw_problems

DOCTYPE = "Customer Interaction"
FOLLOW_UPS_JOB_ID = "crm_pack::follow_ups_now"


def _check_customer(customer: str, company: str | None) -> None:
	frappe.has_permission("CRM Customer", "read", customer, throw=True)
	if company and company not in worklist.permitted_companies():
		frappe.throw(
			_("You may not see the books of Company {0}.").format(frappe.bold(company)),
			frappe.PermissionError,
		)


def _outcomes() -> tuple[str, ...]:
	options = frappe.get_meta(DOCTYPE).get_field("call_outcome").options or ""
	return tuple(o for o in options.split("\n") if o)


def _open_invoices(customer: str, company: str | None) -> list[dict]:
	si = frappe.qb.DocType("Sales Invoice")
	query = (
		frappe.qb.from_(si)
		.select(si.name, si.company, si.due_date, si.posting_date, si.currency, si.outstanding_amount)
		.where(si.customer == frappe.db.get_value("CRM Customer", customer, "customer"))
		.where(si.docstatus == 1)
		.where(si.outstanding_amount > 0)
		.orderby(si.due_date)
	)
	if company:
		query = query.where(si.company == company)
	companies = worklist.permitted_companies()
	return [r for r in query.run(as_dict=True) if r.company in companies]


@frappe.whitelist()
def log_call_options(customer: str, company: str | None = None) -> dict:
	"""What the Log Call dialog offers: the outcomes, and the open invoices to dispute."""
	_check_customer(customer, company)
	if not frappe.has_permission(DOCTYPE, "create"):
		frappe.throw(_("You may not log interactions."), frappe.PermissionError)
	invoices = _open_invoices(customer, company)
	companies = sorted({r.company for r in invoices})
	return {
		"outcomes": [{"value": o, "label": _(o)} for o in _outcomes()],
		"invoices": invoices,
		# the company a promise or dispute is in: given, or the one the open invoices are in
		"company": company or (companies[0] if len(companies) == 1 else None),
	}


def _named_parts(invoices) -> dict[str, float | None]:
	"""The dialog's invoices: names, or rows {sales_invoice, amount} naming a part."""
	if isinstance(invoices, str):
		invoices = json.loads(invoices) if invoices.strip().startswith("[") else [invoices]
	parts: dict[str, float | None] = {}
	for entry in invoices or ():
		if isinstance(entry, dict):
			parts[entry.get("sales_invoice")] = flt(entry.get("amount")) or None
		else:
			parts[entry] = None
	parts.pop(None, None)
	return parts


@frappe.whitelist(methods=["POST"])
def log_call(
	customer: str,
	outcome: str,
	note: str | None = None,
	company: str | None = None,
	promised_amount: float | None = None,
	promised_date: str | None = None,
	invoices: str | list | None = None,
) -> dict:
	"""Logs a collection call as a Customer Interaction; returns its name."""
	_check_customer(customer, company)
	throw_problems(rules.check_call(outcome, _outcomes()))
	interaction_type, status = rules.interaction_for_outcome(outcome)
	parts = _named_parts(invoices)
	chosen = set(parts)
	open_invoices = {r.name: r for r in _open_invoices(customer, company)} if chosen else {}
	unknown = sorted(chosen - set(open_invoices))
	if unknown:
		frappe.throw(
			_("{0} is not an open invoice of this customer.").format(", ".join(unknown)),
			frappe.ValidationError,
		)
	if not company and open_invoices:
		company = next(iter(open_invoices.values())).company
	doc = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"customer": customer,
			"interaction_datetime": now_datetime(),
			"channel": "Phone",
			"direction": "Outbound",
			"interaction_type": interaction_type,
			"status": status,
			"handled_by": frappe.session.user,
			"subject": _("Collection call: {0}").format(_(outcome)),
			"outcome": note or None,
			"call_outcome": outcome,
			"company": company,
			"currency": frappe.get_cached_value("Company", company, "default_currency") if company else None,
		}
	)
	if outcome == rules.PROMISED:
		doc.promised_amount = flt(promised_amount) or None
		doc.promised_date = getdate(promised_date) if promised_date else None
	for name in sorted(chosen):
		inv = open_invoices[name]
		doc.append(
			"invoices",
			{
				"sales_invoice": name,
				"company": inv.company,
				"due_date": inv.due_date,
				"currency": inv.currency,
				"outstanding_amount": inv.outstanding_amount,
				# the part promised or disputed; empty = all of it (the interaction checks it)
				"amount": parts[name],
			},
		)
	if outcome == rules.PROMISED and not doc.promised_amount and chosen:
		# a promise to pay the ticked invoices: their parts, or all they still owe
		doc.promised_amount = sum(parts[n] or flt(open_invoices[n].outstanding_amount) for n in chosen)
	doc.insert()  # the caller's permissions, and the interaction's own rules
	return {"name": doc.name, "interaction_type": doc.interaction_type}


@frappe.whitelist()
def customers_to_chase(filters: str | dict | list | None = None) -> dict:
	"""Number card: customers on the reader's worklist (their own, for a non-manager)."""
	if not frappe.has_permission("CRM Customer", "read"):
		frappe.throw(
			_("You are not permitted to read {0}.").format(_("CRM Customer")), frappe.PermissionError
		)
	defaults = worklist.default_filters()
	return {
		"value": worklist.count_customers(defaults),
		"fieldtype": "Int",
		"route": ["query-report", "Collections Worklist"],
		"route_options": defaults,
	}


@frappe.whitelist()
def worklist_defaults() -> dict:
	"""The worklist's first filters for the reader (see credit_control.worklist.default_filters)."""
	if not frappe.has_permission("CRM Customer", "read"):
		frappe.throw(
			_("You are not permitted to read {0}.").format(_("CRM Customer")), frappe.PermissionError
		)
	return worklist.default_filters()


@frappe.whitelist(methods=["POST"])
def run_follow_ups_now() -> dict:
	"""Queue today's payment follow-up run (the daily job, at once). Safe to repeat: a
	customer already at its level takes no step again."""
	if not frappe.has_permission("CRM Pack Settings", "write"):
		frappe.throw(
			_(
				"Only those who set collections up (CRM Manager, Accounts Manager) can run the payment follow-ups."
			),
			frappe.PermissionError,
		)
	if not frappe.db.get_single_value("CRM Pack Settings", "collections_enabled"):
		frappe.throw(
			_(
				"Payment follow-ups are switched off: turn on Run Payment Follow-ups Daily in CRM Pack Settings first."
			)
		)
	frappe.enqueue(
		"crm_pack.credit_control.follow_up_run.daily_job",
		queue="long",
		job_id=FOLLOW_UPS_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)
	return {
		"queued": True,
		"message": _("Payment follow-ups queued: the worklist shows today's steps once they are taken."),
	}


@frappe.whitelist()
def dunning_types(
	doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters=None, **kwargs
):
	"""The Dunning Types a level may name, for whoever sets collections up (CRM Pack
	Settings' writers: CRM Manager, Accounts Manager), who need not hold any right on
	ERPNext's Dunning Type: picking one is part of setting the levels, not of managing
	Dunning Types."""
	if not frappe.has_permission("CRM Pack Settings", "write"):
		frappe.throw(_("Only those who set up CRM Pack may choose a Dunning Type."), frappe.PermissionError)
	dt = frappe.qb.DocType("Dunning Type")
	return (
		frappe.qb.from_(dt)
		.select(dt.name, dt.company)
		.where(dt.name.like(f"%{txt or ''}%"))
		.orderby(dt.is_default, order=frappe.qb.desc)
		.orderby(dt.name)
		.limit(int(page_len or 20))
		.offset(int(start or 0))
		.run()
	)
