"""The set-based reads behind payment follow-ups: open vouchers as Accounts Receivable
keys them, promises, disputes and the steps already taken, for a chunk of customers at a
time (never one query per customer)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import frappe
from frappe.query_builder.functions import Sum

from crm_pack.credit_control.rules.levels import OpenVoucher
from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger.rules.figures import ZERO, voucher_balances

CLOSED = ("Resolved", "Closed")
PAYMENT_VOUCHERS = ("Payment Entry", "Journal Entry")


def open_vouchers(customers: list[str], on_date: dt.date) -> dict[str, list[OpenVoucher]]:
	"""Each customer's open vouchers per company, from the Payment Ledger (the rows and the
	rule behind the CRM Customer's overdue and Accounts Receivable)."""
	out: dict[str, list[OpenVoucher]] = defaultdict(list)
	if not customers:
		return out
	balances = voucher_balances(ledger_queries.ple_groups(customers, on_date))
	for (company, party, vtype, vno), row in balances.items():
		if abs(row["amount"]) >= ZERO:
			out[party].append(OpenVoucher(company, vtype, vno, round(row["amount"], 2), row["entry_date"]))
	return out


def overdue_candidates(on_date: dt.date) -> dict[str, dict[str, float]]:
	"""Customers with an overdue in some company (customer -> company -> overdue), one
	grouped read of the whole Payment Ledger."""
	out: dict[str, dict[str, float]] = defaultdict(dict)
	for group in ledger_queries.read_groups(None, on_date, kinds=("ar",)).receivable:
		if group.overdue >= ZERO:
			out[group.party][group.company] = group.overdue
	return out


def customers_in_sequence() -> list[str]:
	crm = frappe.qb.DocType("CRM Customer")
	return (
		frappe.qb.from_(crm)
		.select(crm.name)
		.where((crm.collection_level > 0) | (crm.orders_stopped == 1) | (crm.open_promise_amount > 0))
		.run(pluck=True)
	)


def customers_with_open_promises() -> list[str]:
	ci = frappe.qb.DocType("Customer Interaction")
	return (
		frappe.qb.from_(ci)
		.select(ci.customer)
		.distinct()
		.where((ci.interaction_type == "Promise to Pay") & (ci.promise_status == "Open"))
		.run(pluck=True)
	)


def customer_states(customers: list[str]) -> dict[str, dict]:
	crm = frappe.qb.DocType("CRM Customer")
	rows = (
		frappe.qb.from_(crm)
		.select(
			crm.name,
			crm.customer_name,
			crm.collector,
			crm.relationship_owner,
			crm.collection_level,
			crm.collection_level_since,
			crm.next_collection_date,
			crm.orders_stopped,
			crm.open_promise_amount,
			crm.open_promise_date,
			crm.disputed_amount,
			crm.promise_kept_rate,
			crm.currency,
		)
		.where(crm.name.isin(customers))
		.run(as_dict=True)
	)
	return {r.name: r for r in rows}


def interactions_with_invoices(customers: list[str], interaction_type: str, open_only: bool = True) -> dict:
	"""customer -> [interaction dict with `invoices`: [row dicts]] of one type."""
	ci = frappe.qb.DocType("Customer Interaction")
	query = (
		frappe.qb.from_(ci)
		.select(
			ci.name,
			ci.customer,
			ci.company,
			ci.currency,
			ci.status,
			ci.promised_amount,
			ci.promised_date,
			ci.promise_status,
			ci.promise_paid_amount,
			ci.complaint,
			ci.creation,
		)
		.where(ci.customer.isin(customers))
		.where(ci.interaction_type == interaction_type)
	)
	if open_only and interaction_type == "Promise to Pay":
		query = query.where(ci.promise_status == "Open")
	elif open_only:
		query = query.where(ci.status.notin(CLOSED))
	rows = query.orderby(ci.creation).run(as_dict=True)
	if not rows:
		return {}
	lines = frappe.get_all(
		"Customer Interaction Invoice",
		filters={"parenttype": "Customer Interaction", "parent": ("in", [r.name for r in rows])},
		fields=["parent", "sales_invoice", "company", "due_date", "currency", "outstanding_amount", "amount"],
		order_by="idx",
	)
	by_parent = defaultdict(list)
	for line in lines:
		by_parent[line.parent].append(line)
	out = defaultdict(list)
	for r in rows:
		r["invoices"] = by_parent.get(r.name, [])
		out[r.customer].append(r)
	return out


def open_disputes(customers: list[str]) -> dict[str, list[dict]]:
	"""Disputes holding invoices: neither the dispute nor its complaint is resolved."""
	disputes = interactions_with_invoices(customers, "Dispute")
	complaints = [d.complaint for rows in disputes.values() for d in rows if d.complaint]
	closed = set(
		frappe.get_all(
			"Customer Interaction",
			filters={"name": ("in", complaints), "status": ("in", CLOSED)},
			pluck="name",
		)
		if complaints
		else []
	)
	return {
		customer: [d for d in rows if d.complaint not in closed or not d.complaint]
		for customer, rows in disputes.items()
	}


def disputed_parts(disputes: list[dict]) -> dict[str, float | None]:
	"""invoice -> disputed part (None: all of it), over a customer's open disputes."""
	parts: dict[str, float | None] = {}
	for dispute in disputes:
		for line in dispute["invoices"]:
			amount, invoice = float(line.amount or 0), line.sales_invoice
			if not amount or (invoice in parts and parts[invoice] is None):
				parts[invoice] = None
			else:
				parts[invoice] = (parts.get(invoice) or 0) + amount
	return parts


def payments_since(customers: list[str], since: dt.date) -> dict[tuple[str, str], list[tuple]]:
	"""(customer, company) -> [(posting_date, amount received)] of payments and journals
	posted since `since` (Payment Ledger, not delinked)."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	rows = (
		frappe.qb.from_(ple)
		.select(ple.party, ple.company, ple.posting_date, Sum(ple.amount))
		.where(ple.party_type == "Customer")
		.where(ple.party.isin(customers))
		.where(ple.delinked == 0)
		.where(ple.voucher_type.isin(PAYMENT_VOUCHERS))
		.where(ple.posting_date >= since)
		.groupby(ple.party, ple.company, ple.posting_date)
		.run()
	)
	out = defaultdict(list)
	for party, company, posting_date, amount in rows:
		if -float(amount or 0) >= ZERO:
			out[(party, company)].append((posting_date, -float(amount)))
	return out


def steps_logged_on(customers: list[str], on_date: dt.date) -> dict[str, set[tuple[str, int]]]:
	"""customer -> {(company, level)} of the Payment Reminders logged that day."""
	ci = frappe.qb.DocType("Customer Interaction")
	rows = (
		frappe.qb.from_(ci)
		.select(ci.customer, ci.company, ci.collection_level)
		.where(ci.customer.isin(customers))
		.where(ci.interaction_type == "Payment Reminder")
		.where(ci.interaction_datetime >= dt.datetime.combine(on_date, dt.time.min))
		.where(ci.interaction_datetime < dt.datetime.combine(on_date + dt.timedelta(days=1), dt.time.min))
		.run()
	)
	out = defaultdict(set)
	for customer, company, level in rows:
		out[customer].add((company, int(level or 0)))
	return out
