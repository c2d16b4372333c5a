"""CRM Customer's ledger figures: read from the books, compared with what is stored,
and written where they differ.

Figures are always recomputed from the books (GL Entry, Payment Ledger Entry,
submitted orders and invoices), never incremented; the one exception is a submit's last
invoice date, which only an invoice submitted can move forward and a cancel or credit
note (read in full) back (`read_figures`' `last_invoiced`). Locking and the choice of when to
recompute are `refresh`'s; this module only reads, compares and writes.

Every customer with business has one row per company (CRM Customer Company Balance,
in that company's currency). The rows are named after their customer and company, so
one INSERT … ON DUPLICATE KEY UPDATE writes them; the header keeps a digest of them
and the list of companies, so a refresh knows without reading the rows whether they
changed and whether a company dropped out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache, lru_cache

import frappe
from frappe.utils import getdate, now_datetime, today
from pypika.terms import Parameter, Values

from crm_pack import compat
from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger.currencies import company_currencies, home_currency, rates_into
from crm_pack.ledger.rules.figures import MONEY_FIELDS, CustomerFigures, compute, max_date

HEADER_FIELDS = (
	*MONEY_FIELDS,
	"order_count",
	"company_count",
	"first_order_date",
	"last_order_date",
	"last_invoice_date",
	"currency",
	"headline_basis",
	"late_order_count",
	"credit_used_percent",
)
BALANCE_FIELDS = (
	"company",
	"currency",
	*MONEY_FIELDS,
	"order_count",
	"late_order_count",
	"credit_limit",
	"credit_used_percent",
)
BALANCE_DOCTYPE = "CRM Customer Company Balance"
STATE_FIELDS = (
	"ledger_seq",
	"ledger_dirty",
	"ledger_voucher_count",
	"company_balances_digest",
	"ledger_companies",
	"ledger_parts",
	*HEADER_FIELDS,
	# payment follow-up state, read here so the sequence costs nothing for others
	# (credit_control/sequence.STATE_FIELDS)
	"collection_level",
	"orders_stopped",
	"open_promise_amount",
)


def read_figures(
	customers: list[str] | None,
	on_date: dt.date | None = None,
	kinds: tuple[str, ...] = ledger_queries.KINDS,
	last_invoiced: dict[str, tuple[dt.date | None, list[tuple[str, dt.date]]]] | None = None,
) -> dict[str, CustomerFigures]:
	"""Figures for the given customers (None: every CRM Customer), from the books. `kinds`:
	the parts of the ledger to read, fewer only where the others are known to be empty
	(ledger_queries.kinds_for). `last_invoiced`, when "si" is not read: per customer, its
	last invoice date as stored and the (company, posting date) of the invoices submitted
	since; the last invoice date is the latest of them (per company, only those since)."""
	on_date = getdate(on_date or today())
	names = customers if customers is not None else frappe.get_all("CRM Customer", pluck="name")
	if not names:
		return {}
	groups = ledger_queries.read_groups(customers, on_date, kinds)
	for name, (_stored, invoices) in (last_invoiced or {}).items():
		groups.last_invoices += [(company, name, day) for company, day in invoices]
	companies = groups.companies()
	currencies = company_currencies(companies)
	home = home_currency()
	figures = compute(
		names,
		groups.gl,
		groups.receivable,
		groups.orders,
		groups.last_invoices,
		currencies,
		home,
		rates_into(home, currencies.values(), on_date),
		late_orders=groups.late_orders,
		unbilled_deliveries=groups.unbilled_deliveries,
		credit_limits=groups.credit_limits,
		company_credit_limits={c: frappe.get_cached_value("Company", c, "credit_limit") for c in companies},
	)
	for name, customer_figures in figures.items():
		customer_figures.ledger_parts = groups.parts(name)
	for name, (stored, _invoices) in (last_invoiced or {}).items():
		if stored and name in figures:
			figures[name].last_invoice_date = max_date(figures[name].last_invoice_date, getdate(stored))
	return figures


@cache
def _stored_state_sql() -> str:
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.from_(crm).select(crm.name, *(crm[f] for f in STATE_FIELDS))
	return query.where(crm.name.isin(Parameter("%(names)s"))).get_sql()


def stored_state(names: list[str]) -> dict[str, dict]:
	"""As this transaction's snapshot sees them (a consistent, non-locking read)."""
	return {r["name"]: r for r in frappe.db.sql(_stored_state_sql(), {"names": tuple(names)}, as_dict=True)}


def _normalise(values) -> tuple:
	return tuple(
		round(float(v), 2) if isinstance(v, int | float) or hasattr(v, "as_tuple") else v for v in values
	)


def balance_rows(figures: CustomerFigures) -> list[tuple]:
	"""One row per company the customer does business with, in company order."""
	return [
		_normalise(tuple(getattr(cf, f) for f in BALANCE_FIELDS))
		for cf in sorted(figures.companies.values(), key=lambda c: c.company)
	]


def _digest(rows: list[tuple]) -> str:
	return hashlib.sha1(repr(rows).encode(), usedforsecurity=False).hexdigest()[:16] if rows else ""


def row_name(customer: str, company: str) -> str:
	"""The same name every time for a customer's row of a company (so rows are upserted)."""
	return hashlib.sha1(f"{customer}\0{company}".encode(), usedforsecurity=False).hexdigest()[:20]


def _differences(name: str, stored: dict, figures: CustomerFigures) -> list[dict]:
	diffs = []
	for f in HEADER_FIELDS:
		old, new = stored.get(f), getattr(figures, f)
		if f in MONEY_FIELDS or f in ("order_count", "late_order_count", "credit_used_percent"):
			old, new = round(float(old or 0), 2), round(float(new or 0), 2)
		elif f.endswith("_date"):
			old, new = (getdate(old) if old else None), (getdate(new) if new else None)
		elif f == "headline_basis":
			old, new = old or "", new or ""
		if old != new:
			diffs.append({"customer": name, "field": f, "old": old, "new": new})
	return diffs


class _Writes:
	"""What a set of customers' figures change in their stored rows."""

	__slots__ = ("balances", "corrected", "now", "unwritten", "updates", "vanished")

	def __init__(self) -> None:
		self.now = now_datetime()
		self.corrected: list[dict] = []
		self.updates: dict[str, dict] = {}
		self.balances: dict[str, list[tuple]] = {}
		self.vanished: list[str] = []
		self.unwritten: list[str] = []


def _plan(names: list[str], all_figures: dict, stored: dict, analytics) -> _Writes:
	"""Compare each customer's figures with its stored state; customers in `analytics`
	have their analytics change counted in the statement that writes their figures, or
	are listed as unwritten."""
	plan = _Writes()
	for name in names:
		figures, state = all_figures[name], stored[name]
		diffs = _differences(name, state, figures)
		rows = balance_rows(figures)
		digest = _digest(rows)
		if digest != (state["company_balances_digest"] or ""):
			plan.balances[name] = rows
			old = set(filter(None, (state["ledger_companies"] or "").split(",")))
			if old - {r[0] for r in rows}:
				plan.vanished.append(name)
		if (
			diffs
			or name in plan.balances
			or state["ledger_dirty"]
			or (state["ledger_voucher_count"] != figures.voucher_count)
			# once known, kept true (not known yet only costs a full read)
			or (state["ledger_parts"] and state["ledger_parts"] != figures.ledger_parts)
		):
			plan.updates[name] = {
				**{f: getattr(figures, f) for f in HEADER_FIELDS},
				"ledger_voucher_count": figures.voucher_count,
				"ledger_seq": (state["ledger_seq"] or 0) + 1,
				"ledger_updated_on": plan.now,
				"ledger_dirty": 0,
				"company_balances_digest": digest,
				"ledger_companies": ",".join(r[0] for r in rows),
				"ledger_parts": figures.ledger_parts,
				"analytics_changes": int(name in analytics),
				"seen_seq": state["ledger_seq"] or 0,
			}
		elif name in analytics:
			plan.unwritten.append(name)
		plan.corrected.extend(diffs)
	return plan


def write_chunk(
	chunk: list[str],
	all_figures: dict,
	committed: dict,
	stored: dict,
	analytics: set[str] | frozenset = frozenset(),
) -> tuple[list[dict], list[str], list[str]]:
	"""For rows the caller has locked (`committed`: their values as committed). A customer
	whose committed `ledger_seq` differs from the one in this transaction's snapshot was
	changed by a transaction this one cannot see: its figures here may be stale, so it is
	returned among the stale names (for the caller to mark dirty) rather than overwritten.
	Returns (differences corrected, stale names, customers in `analytics` that were
	neither written nor stale)."""
	fresh, stale = [], []
	for name in chunk:
		if name not in stored or name not in committed:
			continue
		if (committed[name][0] or 0) != (stored[name]["ledger_seq"] or 0):
			stale.append(name)
		else:
			fresh.append(name)
	plan = _plan(fresh, all_figures, stored, analytics)
	for name, values in plan.updates.items():
		frappe.db.sql(_update_sql(), {**values, "name": name})
	if plan.balances:
		_write_balances(plan.balances, plan.vanished, plan.now)
	return plan.corrected, stale, plan.unwritten


WRITTEN, STALE, UNCHANGED = "written", "stale", "unchanged"


def write_compared(name: str, figures: CustomerFigures, state: dict, analytics: bool) -> str:
	"""One customer's figures, written only if its row's `ledger_seq` as committed is still
	the one in this transaction's snapshot: the update locks the row and compares in one
	statement (the latest committed row, compat.latest_rows). Returns WRITTEN, STALE
	(another transaction moved it: nothing written, for the caller to mark dirty) or
	UNCHANGED (nothing to write: not locked, not compared)."""
	plan = _plan([name], {name: figures}, {name: state}, {name} if analytics else ())
	values = plan.updates.get(name)
	if values is None:
		return UNCHANGED
	frappe.db.sql(compat.latest_rows(_update_sql(compared=True)), {**values, "name": name})
	if not frappe.db._cursor.rowcount:  # the row always changes (ledger_seq), so 0 = not matched
		return STALE
	if plan.balances:
		_write_balances(plan.balances, plan.vanished, plan.now)
	return WRITTEN


UPDATED_FIELDS = (
	*HEADER_FIELDS,
	"ledger_voucher_count",
	"ledger_seq",
	"ledger_updated_on",
	"ledger_dirty",
	"company_balances_digest",
	"ledger_companies",
	"ledger_parts",
)


@cache
def _update_sql(compared: bool = False) -> str:
	"""One statement built once per process: a document event updates one customer or a
	few, and a full recompute writes only the customers whose figures moved. `compared`:
	only while the row's ledger_seq is still the one this transaction saw."""
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.update(crm)
	for f in UPDATED_FIELDS:
		query = query.set(crm[f], Parameter(f"%({f})s"))
	query = query.set(crm.analytics_dirty, crm.analytics_dirty + Parameter("%(analytics_changes)s"))
	query = query.where(crm.name == Parameter("%(name)s"))
	if compared:
		query = query.where(crm.ledger_seq == Parameter("%(seen_seq)s"))
	return query.get_sql()


BALANCE_COLUMNS = ("name", "parent", "parenttype", "parentfield", "idx", "creation", "modified")


def _write_balances(balances: dict[str, list[tuple]], vanished: list[str], now) -> None:
	if vanished:  # a company dropped out (rare): its rows go
		keep = [row_name(parent, row[0]) for parent, rows in balances.items() for row in rows] or [""]
		frappe.db.sql(
			compat.latest_rows(_delete_vanished_sql()), {"parents": tuple(vanished), "keep": tuple(keep)}
		)
	values = [
		value
		for parent, rows in balances.items()
		for idx, row in enumerate(rows, start=1)
		for value in (
			row_name(parent, row[0]),
			parent,
			"CRM Customer",
			"company_balances",
			idx,
			now,
			now,
			*row,
		)
	]
	if values:
		frappe.db.sql(compat.latest_rows(_upsert_sql(sum(len(rows) for rows in balances.values()))), values)


@cache
def _delete_vanished_sql() -> str:
	bal = frappe.qb.DocType(BALANCE_DOCTYPE)
	return (
		frappe.qb.from_(bal)
		.delete()
		.where(bal.parenttype == "CRM Customer")
		.where(bal.parent.isin(Parameter("%(parents)s")))
		.where(bal.name.notin(Parameter("%(keep)s")))
		.get_sql()
	)


@lru_cache(maxsize=64)
def _upsert_sql(rows: int) -> str:
	"""The upsert of `rows` balance rows, built once per row count and process: a submit
	writes one or two, and building it with frappe.qb each time cost more than running it."""
	bal = frappe.qb.DocType(BALANCE_DOCTYPE)
	columns = (*BALANCE_COLUMNS, *BALANCE_FIELDS)
	query = frappe.qb.into(bal).columns(*columns)
	for _ in range(rows):
		query = query.insert(*[Parameter("%s")] * len(columns))
	for f in ("idx", "modified", *BALANCE_FIELDS):
		query = query.on_duplicate_key_update(bal[f], Values(bal[f]))
	return query.get_sql()
