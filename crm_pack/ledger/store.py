"""CRM Customer's ledger figures: read from the books, compared with what is stored,
and written where they differ.

Figures are always recomputed from the books (GL Entry, Payment Ledger Entry,
submitted orders and invoices), never incremented. Locking and the choice of when to
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

from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger.currencies import company_currencies, home_currency, rates_into
from crm_pack.ledger.rules.figures import MONEY_FIELDS, CustomerFigures, compute

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
	*HEADER_FIELDS,
	# payment follow-up state, read here so the sequence costs nothing for others
	# (credit_control/sequence.STATE_FIELDS)
	"collection_level",
	"orders_stopped",
	"open_promise_amount",
)


def read_figures(customers: list[str] | None, on_date: dt.date | None = None) -> dict[str, CustomerFigures]:
	"""Figures for the given customers (None: every CRM Customer), from the books."""
	on_date = getdate(on_date or today())
	names = customers if customers is not None else frappe.get_all("CRM Customer", pluck="name")
	if not names:
		return {}
	groups = ledger_queries.read_groups(customers, on_date)
	companies = groups.companies()
	currencies = company_currencies(companies)
	home = home_currency()
	return compute(
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


def write_chunk(
	chunk: list[str],
	all_figures: dict,
	committed: dict,
	stored: dict,
	analytics: set[str] | frozenset = frozenset(),
) -> tuple[list[dict], list[str], list[str]]:
	"""A customer whose committed `ledger_seq` differs from the one in this transaction's
	snapshot was changed by a transaction this one cannot see: its figures here may be
	stale, so it is returned among the stale names (for the caller to mark dirty) rather
	than overwritten. Customers in `analytics` have their analytics change counted in
	the same statement. Returns (differences corrected, stale names, customers in
	`analytics` that were neither written nor stale)."""
	now = now_datetime()
	corrected, updates, balances, vanished, stale, unwritten = [], {}, {}, [], [], []
	for name in chunk:
		if name not in stored or name not in committed:
			continue
		if (committed[name][0] or 0) != (stored[name]["ledger_seq"] or 0):
			stale.append(name)
			continue
		figures, state = all_figures[name], stored[name]
		diffs = _differences(name, state, figures)
		rows = balance_rows(figures)
		digest = _digest(rows)
		companies = ",".join(r[0] for r in rows)
		if digest != (state["company_balances_digest"] or ""):
			balances[name] = rows
			old = set(filter(None, (state["ledger_companies"] or "").split(",")))
			if old - {r[0] for r in rows}:
				vanished.append(name)
		if (
			diffs
			or name in balances
			or state["ledger_dirty"]
			or (state["ledger_voucher_count"] != figures.voucher_count)
		):
			updates[name] = {
				**{f: getattr(figures, f) for f in HEADER_FIELDS},
				"ledger_voucher_count": figures.voucher_count,
				"ledger_seq": (state["ledger_seq"] or 0) + 1,
				"ledger_updated_on": now,
				"ledger_dirty": 0,
				"company_balances_digest": digest,
				"ledger_companies": companies,
				"analytics_changes": int(name in analytics),
			}
		elif name in analytics:
			unwritten.append(name)
		corrected.extend(diffs)
	_store_headers(updates)
	if balances:
		_write_balances(balances, vanished, now)
	return corrected, stale, unwritten


UPDATED_FIELDS = (
	*HEADER_FIELDS,
	"ledger_voucher_count",
	"ledger_seq",
	"ledger_updated_on",
	"ledger_dirty",
	"company_balances_digest",
	"ledger_companies",
)


@cache
def _update_sql() -> str:
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.update(crm)
	for f in UPDATED_FIELDS:
		query = query.set(crm[f], Parameter(f"%({f})s"))
	query = query.set(crm.analytics_dirty, crm.analytics_dirty + Parameter("%(analytics_changes)s"))
	return query.where(crm.name == Parameter("%(name)s")).get_sql()


def _store_headers(updates: dict[str, dict]) -> None:
	# One statement built once per process: a document event updates one customer or a
	# few, and a full recompute writes only the customers whose figures moved.
	for name, values in updates.items():
		frappe.db.sql(_update_sql(), {**values, "name": name})


BALANCE_COLUMNS = ("name", "parent", "parenttype", "parentfield", "idx", "creation", "modified")


def _write_balances(balances: dict[str, list[tuple]], vanished: list[str], now) -> None:
	bal = frappe.qb.DocType(BALANCE_DOCTYPE)
	if vanished:
		keep = [row_name(parent, row[0]) for parent, rows in balances.items() for row in rows] or [""]
		(
			frappe.qb.from_(bal)
			.delete()
			.where(bal.parenttype == "CRM Customer")
			.where(bal.parent.isin(vanished))
			.where(bal.name.notin(keep))
			.run()
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
		frappe.db.sql(_upsert_sql(sum(len(rows) for rows in balances.values())), values)


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
