"""Payment behaviour on the CRM Customer: days sales outstanding, average days to pay and
its trend, payment reliability (the rules and formulas: credit_control/rules/behaviour.py).

Set-based: five grouped reads — the stored receivable per company (CRM Customer Company
Balance, kept equal to Accounts Receivable by the ledger), billing in the DSO window (GL
Entry of Sales Invoices), the payment allocations against invoices in the pay window
(Payment Ledger Entry joined to the invoice), the resolved promises to pay and the stored
figures — then only the customers whose figures moved are written.

The figures move with the calendar (365-day windows, a 90-day trend), but only when a
payment or an invoice crosses a window's edge: each customer stores that day
(`behaviour_due_on`: rules.next_change, or a week on at the latest), and the nightly run
measures only the customers who reached it, whose ledger changed (`analytics_dirty`) or
whose promises were resolved — a few percent on a usual night. Many at
once (the first night, the weekly net) are read site-wide in one pass, a third of the
time of the same reads per chunk of names. The nightly analytics run calls
`recompute_all` first, so churn signals read tonight's figures; the credit-limit use and
late orders are the ledger's (kept true in the transaction, ledger/store.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Min, Sum
from frappe.utils import flt, getdate, now_datetime, nowdate

from crm_pack.credit_control.rules import behaviour as rules
from crm_pack.ledger.currencies import company_currencies, home_currency, rates_into
from crm_pack.utils.bulk_update import update_rows

FIELDS = ("dso_days", "avg_days_to_pay", "days_to_pay_trend", "payment_reliability")
STORED = (*FIELDS, "behaviour_due_on")
# measured again at least this often
MAX_AGE_DAYS = 7
# above this share of the customers stale, everyone is read in one pass
FULL_READ_SHARE = 0.3
CHUNK = 2000
PAYMENT_VOUCHERS = ("Payment Entry", "Journal Entry")


def _of(query, column, names: list[str] | None):
	"""`query` for these customers, or for everyone (None)."""
	return query if names is None else query.where(column.isin(names))


def _receivables(names: list[str] | None) -> dict[str, dict[str, float]]:
	bal = frappe.qb.DocType("CRM Customer Company Balance")
	rows = _of(
		frappe.qb.from_(bal)
		.select(bal.parent, bal.company, bal.outstanding_amount)
		.where(bal.parenttype == "CRM Customer"),
		bal.parent,
		names,
	).run()
	out: dict[str, dict[str, float]] = defaultdict(dict)
	for parent, company, outstanding in rows:
		out[parent][company] = flt(outstanding)
	return out


def _billed(names: list[str] | None, today: dt.date) -> tuple[dict, dict]:
	"""Net billing (invoices less credit notes, as posted to the receivable) in the window,
	and the billing days the window moves on: the earliest in it (it leaves a window later)
	and the earliest dated ahead (it enters on its day)."""
	gle = frappe.qb.DocType("GL Entry")
	start = today - dt.timedelta(days=rules.DSO_WINDOW_DAYS)
	in_window = gle.posting_date <= today
	rows = (
		_of(frappe.qb.from_(gle), gle.party, names)
		.select(
			gle.party,
			gle.company,
			Sum(Case().when(in_window, gle.debit - gle.credit).else_(0)),
			Min(Case().when(in_window, gle.posting_date)),
			Min(Case().when(gle.posting_date > today, gle.posting_date)),
		)
		.where(gle.party_type == "Customer")
		.where(gle.is_cancelled == 0)
		.where(gle.voucher_type == "Sales Invoice")
		.where(gle.posting_date > start)
		.groupby(gle.party, gle.company)
		.run()
	)
	out: dict[str, dict[str, float]] = defaultdict(dict)
	days: dict[str, list[dt.date]] = defaultdict(list)
	for party, company, amount, first, ahead in rows:
		out[party][company] = flt(amount)
		days[party] += [d for d in (first, ahead) if d]
	return out, days


def _allocations(names: list[str] | None, today: dt.date) -> dict[str, list[rules.Allocation]]:
	"""Payments (Payment / Journal Entry) allocated against invoices in the pay window."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	inv = frappe.qb.DocType("Sales Invoice")
	start = today - dt.timedelta(days=rules.PAY_WINDOW_DAYS)
	rows = (
		_of(frappe.qb.from_(ple), ple.party, names)
		.join(inv)
		.on(inv.name == ple.against_voucher_no)
		.select(ple.party, ple.company, ple.posting_date, inv.posting_date, inv.due_date, ple.amount)
		.where(ple.party_type == "Customer")
		.where(ple.delinked == 0)
		.where(ple.against_voucher_type == "Sales Invoice")
		.where(ple.voucher_type.isin(PAYMENT_VOUCHERS))
		.where(ple.amount < 0)
		# dated ahead too: they enter the window on their day (rules.next_change)
		.where(ple.posting_date > start)
		.run()
	)
	out: dict[str, list[rules.Allocation]] = defaultdict(list)
	# the database hands the dates over as dates: no conversion per row (200,000 rows at
	# 100,000 customers)
	for party, company, paid_on, invoiced_on, due, amount in rows:
		out[party].append(rules.Allocation(company, paid_on, invoiced_on, due or None, -float(amount)))
	return out


def _promises(names: list[str] | None) -> dict[str, int]:
	"""How many promises to pay each customer has that are kept or broken."""
	ci = frappe.qb.DocType("Customer Interaction")
	rows = (
		_of(frappe.qb.from_(ci), ci.customer, names)
		.select(ci.customer, Count("*"))
		.where(ci.interaction_type == "Promise to Pay")
		.where(ci.promise_status.isin(["Kept", "Broken"]))
		.groupby(ci.customer)
		.run()
	)
	return {customer: int(n) for customer, n in rows}


def _stored(names: list[str] | None) -> dict[str, tuple]:
	"""name -> (promise kept rate, *STORED) as stored."""
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.from_(crm).select(crm.name, crm.promise_kept_rate, *(crm[f] for f in STORED))
	return {name: values for name, *values in _of(query, crm.name, names).run()}


def _reads(names: list[str] | None, today: dt.date) -> tuple:
	"""The five grouped reads, for these customers or everyone (None): for everyone, one
	read each over the windows is a third of the time of the same reads per chunk of
	names, whose point lookups are random reads."""
	return (
		_receivables(names),
		_billed(names, today),
		_allocations(names, today),
		_promises(names),
		_stored(names),
	)


def _figures(names: list[str], today: dt.date, reads: tuple) -> dict[str, dict]:
	receivables, (billed, billing_days), allocations, promises, stored = reads
	companies = {c for per in (*receivables.values(), *billed.values()) for c in per}
	currencies = company_currencies(companies)
	home = home_currency()
	rates = {home: 1.0, **rates_into(home, currencies.values(), today)}
	week = today + dt.timedelta(days=MAX_AGE_DAYS)
	out = {}
	for name in names:
		parts = []
		mine = set(receivables.get(name, {})) | set(billed.get(name, {}))
		one_currency = len({currencies.get(c) for c in mine}) <= 1
		for company in mine:
			rate = 1.0 if one_currency else rates.get(currencies.get(company))
			if rate is None:
				continue  # no exchange rate: the company is left out, as the headline does
			parts.append(
				(
					receivables.get(name, {}).get(company, 0.0) * rate,
					billed.get(name, {}).get(company, 0.0) * rate,
				)
			)
		paying = rules.payment_behaviour(allocations.get(name, ()), today)
		kept = stored[name][0] if name in stored else None
		out[name] = {
			"dso_days": rules.weighted_dso(parts),
			"avg_days_to_pay": paying.avg_days_to_pay,
			"days_to_pay_trend": paying.days_to_pay_trend,
			"payment_reliability": rules.reliability(
				paying.on_time_share, flt(kept) if kept is not None else None, promises.get(name, 0)
			),
			# the next window edge, or a week on at the latest: the net for what no event
			# reports (an exchange rate of a customer billed in two currencies)
			"behaviour_due_on": min(
				rules.next_change(
					[a.payment_date for a in allocations.get(name, ())], billing_days.get(name, ()), today
				)
				or week,
				week,
			),
		}
	return out


def _changed(names: list[str], figures: dict[str, dict], stored: dict[str, tuple]) -> list[tuple]:
	changed = []
	for name in names:
		if name not in stored:
			continue
		# round(), not flt(…, 1): the same on both sides, and a tenth of the cost per value
		values = [round(float(figures[name][f] or 0), 1) for f in FIELDS]
		moves_on = figures[name]["behaviour_due_on"]
		if values != [round(float(v or 0), 1) for v in stored[name][1:-1]] or moves_on != stored[name][-1]:
			changed.append((name, *values, moves_on))
	return changed


def _write(names: list[str], figures: dict[str, dict], stored: dict[str, tuple], commit: bool) -> int:
	changed = _changed(names, figures, stored)
	update_rows("CRM Customer", STORED, changed, commit=False)
	crm = frappe.qb.DocType("CRM Customer")
	frappe.qb.update(crm).set(crm.behaviour_updated_on, now_datetime()).where(crm.name.isin(names)).run()
	if commit:
		frappe.db.commit()
	return len(changed)


def refresh(customers: list[str], today: dt.date | None = None) -> int:
	"""Recompute and store the behaviour of these customers; returns how many changed."""
	names = sorted(set(filter(None, customers)))
	if not names:
		return 0
	today = getdate(today or nowdate())
	reads = _reads(names, today)
	return _write(names, _figures(names, today, reads), reads[-1], commit=False)


def _stale(today: dt.date) -> list[str]:
	"""The customers due tonight: never measured (or before behaviour_due_on existed), their
	day reached (a window edge, or a week on), or their ledger changed since the last
	nightly run (analytics_dirty, counted by the document events; this runs before the
	analytics take it back)."""
	crm = frappe.qb.DocType("CRM Customer")
	return [
		name
		for (name,) in frappe.qb.from_(crm)
		.select(crm.name)
		.where(crm.behaviour_due_on.isnull() | (crm.behaviour_due_on <= today) | (crm.analytics_dirty > 0))
		.run()
	]


def recompute_all(*, today: dt.date | None = None, commit: bool = False) -> int:
	"""The customers whose figures may have moved (`_stale`), a chunk per transaction with
	`commit`; read site-wide in one pass when they are many (the first night, the weekly
	net), in chunks of names when few (a usual night: a few percent)."""
	today = getdate(today or nowdate())
	names = sorted(_stale(today))
	if not names:
		return 0
	everyone = len(names) > FULL_READ_SHARE * frappe.db.count("CRM Customer")
	if everyone:
		reads = _reads(None, today)
		figures, stored = _figures(names, today, reads), reads[-1]
	changed = 0
	for start in range(0, len(names), CHUNK):
		part = names[start : start + CHUNK]
		if not everyone:
			reads = _reads(part, today)
			figures, stored = _figures(part, today, reads), reads[-1]
		changed += _write(part, figures, stored, commit)
	return changed


def recompute_all_job() -> None:
	recompute_all(commit=True)
