"""Disputes (Customer Interaction of type Dispute, with its invoices): held out of the
payment follow-up while open, clocked by their complaint, released when either is
resolved or closed.

A dispute recorded without a complaint gets one (a Customer Interaction of type
Complaint for the same customer), so the service-level clock and the complaint agreement
(setup/complaint_agreement.py, interactions/sla_engine.py) clock its response and
resolution like any complaint. Resolving the complaint resolves the dispute."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from crm_pack.credit_control import promises, reads
from crm_pack.credit_control.rules import promises as rules
from crm_pack.ledger.currencies import rates_into
from crm_pack.utils import bookkeeping
from crm_pack.utils.validation import throw_problems

CLOSED = reads.CLOSED


def validate(doc) -> None:
	balances, _net = promises.ledger_balances(doc.customer)
	if doc.is_new() or doc.has_value_changed("invoices") or doc.has_value_changed("company"):
		throw_problems(
			rules.check_dispute(
				company=doc.company,
				customer=doc.customer,
				invoices=promises.listed_invoices(doc, balances),
			)
		)
	promises.fill_invoice_rows(doc, balances, keep_start=False)
	if doc.complaint:
		kind, owner = frappe.db.get_value(
			"Customer Interaction", doc.complaint, ["interaction_type", "customer"]
		) or (
			None,
			None,
		)
		if kind != "Complaint" or owner != doc.customer:
			frappe.throw(
				_("{0} is not a complaint of customer {1}: link one of theirs or leave it empty.").format(
					doc.complaint, doc.customer
				)
			)


def after_insert(doc) -> None:
	if not doc.complaint:
		complaint = frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": doc.customer,
				"interaction_datetime": doc.interaction_datetime,
				"channel": doc.channel,
				"direction": "Inbound",
				"interaction_type": "Complaint",
				"status": "Open",
				"handled_by": doc.handled_by,
				"subject": _("Disputed invoices: {0}").format(
					", ".join(row.sales_invoice for row in doc.invoices)
				)[:140],
				"details": doc.details,
				"reference_doctype": None,
			}
		)
		complaint.flags.ignore_permissions = True
		complaint.insert()
		bookkeeping.set_link(doc, "complaint", complaint.name)
	roll_up([doc.customer])


def on_update(doc) -> None:
	if doc.interaction_type == "Dispute":
		if not doc.flags.in_insert:
			roll_up([doc.customer])
		return
	# a complaint resolved or closed releases its disputes
	if doc.interaction_type == "Complaint" and doc.status in CLOSED and doc.has_value_changed("status"):
		ci = frappe.qb.DocType("Customer Interaction")
		held = (
			frappe.qb.from_(ci)
			.select(ci.name)
			.where((ci.complaint == doc.name) & (ci.interaction_type == "Dispute") & ci.status.notin(CLOSED))
			.run(pluck=True)
		)
		if held:
			frappe.qb.update(ci).set(ci.status, doc.status).where(ci.name.isin(held)).run()
			roll_up([doc.customer])


def roll_up(customers: list[str]) -> None:
	"""CRM Customer.disputed_amount: what the open disputes hold, in the record's currency."""
	disputes = reads.open_disputes(customers)
	states = reads.customer_states(customers)
	crm = frappe.qb.DocType("CRM Customer")
	today = getdate(nowdate())
	vouchers = reads.open_vouchers([c for c in customers if disputes.get(c)], today)
	for customer in customers:
		state = states.get(customer)
		if not state:
			continue
		open_amounts = {
			(v.company, v.voucher_no): v.amount
			for v in vouchers.get(customer, [])
			if v.voucher_type == "Sales Invoice"
		}
		per_currency = defaultdict(float)
		for dispute in disputes.get(customer, []):
			for line in dispute["invoices"]:
				outstanding = max(open_amounts.get((dispute.company, line.sales_invoice), 0.0), 0.0)
				part = min(float(line.amount or 0) or outstanding, outstanding)
				per_currency[dispute.currency or state.currency] += part
		rates = rates_into(state.currency, per_currency)
		amount = round(
			sum(
				v * (1 if c == state.currency or not state.currency else rates.get(c, 0))
				for c, v in per_currency.items()
			),
			2,
		)
		if round(float(state.disputed_amount or 0), 2) != amount:
			frappe.qb.update(crm).set(crm.disputed_amount, amount).where(crm.name == customer).run()
