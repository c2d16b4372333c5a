"""Promises to pay (Customer Interaction of type Promise to Pay): checked when recorded,
kept or broken as the ledger and the calendar move, rolled up on the CRM Customer.

Kept is decided on every ledger refresh of a customer with an open promise (a payment
keeps it at once) and daily; broken only daily (the date plus the grace days passed
without the amount paid), where it also escalates the follow-up one level."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import frappe
from frappe.utils import cint, getdate, nowdate

from crm_pack.credit_control import reads
from crm_pack.credit_control.rules import promises as rules
from crm_pack.ledger.currencies import rates_into
from crm_pack.utils.validation import throw_problems


def ledger_balances(customer: str, on_date=None) -> tuple[dict[tuple[str, str], dict], dict[str, float]]:
	"""(company, invoice) -> {amount, entry_date} of the customer's open invoices, and the
	net open amount per company (unallocated payments and credit notes reduce it)."""
	on_date = getdate(on_date or nowdate())
	invoices, net = {}, defaultdict(float)
	for v in reads.open_vouchers([customer], on_date).get(customer, []):
		net[v.company] += v.amount
		if v.voucher_type == "Sales Invoice":
			invoices[(v.company, v.voucher_no)] = {"amount": v.amount, "entry_date": v.entry_date}
	return invoices, net


def listed_invoices(doc, balances: dict) -> list[rules.ListedInvoice]:
	rows = [row for row in doc.get("invoices") or [] if row.sales_invoice]
	names = [row.sales_invoice for row in rows]
	info = (
		{
			r.name: r
			for r in frappe.get_all(
				"Sales Invoice",
				filters={"name": ("in", names)},
				fields=["name", "customer", "company", "docstatus", "is_return"],
			)
		}
		if names
		else {}
	)
	out = []
	for row in rows:
		r = info.get(row.sales_invoice)
		company = r.company if r else None
		out.append(
			rules.ListedInvoice(
				row.sales_invoice,
				r.customer if r else None,
				company,
				cint(r.docstatus) if r else 0,
				float(balances.get((company, row.sales_invoice), {}).get("amount") or 0),
				bool(r and r.is_return),
				part=float(row.amount or 0),
				currency=frappe.get_cached_value("Company", company, "default_currency") if company else None,
			)
		)
	return out


def fill_invoice_rows(doc, balances: dict, *, keep_start: bool) -> None:
	"""Company, due date, currency and outstanding from the ledger. A promise keeps the
	outstanding it was made against (the yardstick for kept)."""
	currency = frappe.get_cached_value("Company", doc.company, "default_currency") if doc.company else None
	doc.currency = currency
	for row in doc.get("invoices") or []:
		balance = balances.get((doc.company, row.sales_invoice))
		row.company = doc.company
		row.currency = currency
		if balance:
			row.due_date = balance["entry_date"]
			if not (keep_start and row.outstanding_amount):
				row.outstanding_amount = balance["amount"]
		elif not keep_start:
			row.outstanding_amount = 0


def validate(doc) -> None:
	balances, net = ledger_balances(doc.customer)
	new = doc.is_new()
	company_outstanding = net.get(doc.company, 0.0)
	before = doc.get_doc_before_save()
	changed_terms = new or (
		before
		and (
			float(before.promised_amount or 0) != float(doc.promised_amount or 0)
			or str(before.promised_date or "") != str(doc.promised_date or "")
		)
	)
	throw_problems(
		rules.check_promise(
			amount=float(doc.promised_amount or 0),
			promised_date=getdate(doc.promised_date) if doc.promised_date else None,
			today=getdate(nowdate()),
			is_new=bool(changed_terms) and doc.promise_status in (None, "", rules.OPEN),
			customer=doc.customer,
			company=doc.company,
			invoices=listed_invoices(doc, balances) if new else [],
			company_outstanding=round(company_outstanding, 2),
			currency=frappe.get_cached_value("Company", doc.company, "default_currency")
			if doc.company
			else None,
		)
	)
	fill_invoice_rows(doc, balances, keep_start=not new)
	if new or not doc.promise_status:
		doc.promise_status = rules.OPEN
		doc.promise_paid_amount = 0


def evaluate(customers: list[str], on_date: dt.date, *, decide_broken: bool) -> dict[str, list[str]]:
	"""Kept for the customers' open promises (written); when `decide_broken`, returns
	customer -> promises whose date and grace passed unpaid, for the caller to mark broken
	(mark_broken) in the transaction that escalates. Rolls the open promise and kept
	rate up."""
	promises = reads.interactions_with_invoices(customers, "Promise to Pay")
	if not promises:
		return {}
	flat = [p for rows in promises.values() for p in rows]
	vouchers = reads.open_vouchers(list(promises), on_date)
	since = min(getdate(p.creation) for p in flat)
	payments = reads.payments_since(list(promises), since)
	grace = cint(frappe.get_cached_doc("CRM Pack Settings").promise_grace_days)
	broken: dict[str, list[str]] = defaultdict(list)
	ci = frappe.qb.DocType("Customer Interaction")
	for customer, rows in promises.items():
		now = {
			v.voucher_no: v.amount for v in vouchers.get(customer, []) if v.voucher_type == "Sales Invoice"
		}
		for p in rows:
			if p.invoices:
				start = {line.sales_invoice: float(line.outstanding_amount or 0) for line in p.invoices}
				paid = rules.paid_towards(start, {inv: max(now.get(inv, 0.0), 0.0) for inv in start})
			else:
				made = getdate(p.creation)
				paid = round(
					sum(a for d, a in payments.get((customer, p.company), []) if getdate(d) >= made), 2
				)
			status = rules.verdict(
				float(p.promised_amount or 0), paid, getdate(p.promised_date), on_date, grace
			)
			if status == rules.BROKEN:
				# written by the caller with the escalation it causes (mark_broken), so a
				# failed step leaves the promise to break, and escalate, on the next run
				if decide_broken:
					broken[customer].append(p.name)
				status = rules.OPEN
			if status != p.promise_status or round(float(p.promise_paid_amount or 0), 2) != paid:
				update = frappe.qb.update(ci).set(
					ci.promise_paid_amount, min(paid, float(p.promised_amount or 0))
				)
				update = update.set(ci.promise_status, status)
				if status != rules.OPEN:
					update = update.set(ci.status, "Closed")
				update.where(ci.name == p.name).run()
	roll_up(list(promises))
	return broken


def mark_broken(names: list[str]) -> None:
	if not names:
		return
	ci = frappe.qb.DocType("Customer Interaction")
	(
		frappe.qb.update(ci)
		.set(ci.promise_status, rules.BROKEN)
		.set(ci.status, "Closed")
		.where(ci.name.isin(names))
		.run()
	)


def roll_up(customers: list[str]) -> None:
	"""open_promise_amount / open_promise_date / promise_kept_rate on the CRM Customer (the
	open amount in the record's currency, converted at ERPNext's rates where needed)."""
	if not customers:
		return
	ci = frappe.qb.DocType("Customer Interaction")
	rows = (
		frappe.qb.from_(ci)
		.select(
			ci.customer,
			ci.promise_status,
			ci.currency,
			ci.promised_amount,
			ci.promise_paid_amount,
			ci.promised_date,
		)
		.where(ci.customer.isin(customers))
		.where(ci.interaction_type == "Promise to Pay")
		.where(ci.promise_status.isin((rules.OPEN, rules.KEPT, rules.BROKEN)))
		.run(as_dict=True)
	)
	states = reads.customer_states(customers)
	by_customer = defaultdict(list)
	for r in rows:
		by_customer[r.customer].append(r)
	crm = frappe.qb.DocType("CRM Customer")
	for customer in customers:
		state = states.get(customer)
		if not state:
			continue
		mine = by_customer.get(customer, [])
		open_rows = [r for r in mine if r.promise_status == rules.OPEN]
		rates = rates_into(state.currency, {r.currency for r in open_rows})
		amount = round(
			sum(
				(float(r.promised_amount or 0) - float(r.promise_paid_amount or 0))
				* (1 if r.currency == state.currency or not state.currency else rates.get(r.currency, 0))
				for r in open_rows
			),
			2,
		)
		date = min((getdate(r.promised_date) for r in open_rows), default=None)
		rate = rules.kept_rate(r.promise_status for r in mine)
		new = (amount, date, rate if rate is not None else 0)
		old = (
			round(float(state.open_promise_amount or 0), 2),
			getdate(state.open_promise_date) if state.open_promise_date else None,
			round(float(state.promise_kept_rate or 0), 1),
		)
		if new != old:
			(
				frappe.qb.update(crm)
				.set(crm.open_promise_amount, amount)
				.set(crm.open_promise_date, date)
				.set(crm.promise_kept_rate, new[2])
				# the kept rate weighs in the payment reliability: measured again tonight
				.set(crm.behaviour_due_on, getdate(nowdate()))
				.where(crm.name == customer)
				.run()
			)
