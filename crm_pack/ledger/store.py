"""CRM Customer's ledger figures: read from the books, compared with what is stored,
and written where they differ.

Figures are always recomputed from the books (GL Entry, Payment Ledger Entry,
submitted orders and invoices), never incremented. Locking and the choice of when to
recompute are `refresh`'s; this module only reads, compares and writes.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import frappe
from frappe.utils import getdate, now_datetime, today
from pypika.terms import Parameter

from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger.currencies import company_currencies, home_currency
from crm_pack.ledger.rules.figures import MONEY_FIELDS, CustomerFigures, compute

HEADER_FIELDS = (
	*MONEY_FIELDS,
	"order_count",
	"company_count",
	"first_order_date",
	"last_order_date",
	"last_invoice_date",
	"currency",
)
BALANCE_FIELDS = ("company", "currency", *MONEY_FIELDS, "order_count")
BALANCE_DOCTYPE = "CRM Customer Company Balance"


def read_figures(customers: list[str] | None, on_date: dt.date | None = None) -> dict[str, CustomerFigures]:
	"""Figures for the given customers (None: every CRM Customer), from the books."""
	on_date = getdate(on_date or today())
	names = customers if customers is not None else frappe.get_all("CRM Customer", pluck="name")
	if not names:
		return {}
	groups = ledger_queries.read_groups(customers, on_date)
	return compute(
		names,
		groups.gl,
		groups.receivable,
		groups.orders,
		groups.last_invoices,
		company_currencies(groups.companies()),
		home_currency(),
	)


@cache
def _stored_header_sql() -> str:
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.from_(crm).select(
		crm.name, crm.ledger_seq, crm.ledger_dirty, crm.ledger_voucher_count, *(crm[f] for f in HEADER_FIELDS)
	)
	return query.where(crm.name.isin(Parameter("%(names)s"))).get_sql()


def stored_header(names: list[str]) -> dict[str, dict]:
	"""As this transaction's snapshot sees them (a consistent, non-locking read)."""
	return {r["name"]: r for r in frappe.db.sql(_stored_header_sql(), {"names": tuple(names)}, as_dict=True)}


def _stored_balances(names: list[str]) -> dict[str, list[tuple]]:
	if not names:
		return {}
	bal = frappe.qb.DocType(BALANCE_DOCTYPE)
	balances: dict[str, list[tuple]] = {}
	for r in (
		frappe.qb.from_(bal)
		.select(bal.parent, *(bal[f] for f in BALANCE_FIELDS))
		.where(bal.parenttype == "CRM Customer")
		.where(bal.parent.isin(names))
		.orderby(bal.parent)
		.orderby(bal.idx)
		.run()
	):
		balances.setdefault(r[0], []).append(_normalise(r[1:]))
	return balances


def _normalise(values) -> tuple:
	return tuple(
		round(float(v), 2) if isinstance(v, int | float) or hasattr(v, "as_tuple") else v for v in values
	)


def _balance_rows(figures: CustomerFigures) -> list[tuple]:
	"""Per-company rows, kept only when there is more than one company (else the header says it all)."""
	if len(figures.companies) < 2:
		return []
	return [
		_normalise(tuple(getattr(cf, f) for f in BALANCE_FIELDS))
		for cf in sorted(figures.companies.values(), key=lambda c: c.company)
	]


def _differences(name: str, stored: dict, figures: CustomerFigures) -> list[dict]:
	diffs = []
	for f in HEADER_FIELDS:
		old, new = stored.get(f), getattr(figures, f)
		if f in MONEY_FIELDS or f == "order_count":
			old, new = round(float(old or 0), 2), round(float(new or 0), 2)
		elif f.endswith("_date"):
			old, new = (getdate(old) if old else None), (getdate(new) if new else None)
		if old != new:
			diffs.append({"customer": name, "field": f, "old": old, "new": new})
	return diffs


def write_chunk(
	chunk: list[str], all_figures: dict, committed: dict, stored: dict
) -> tuple[list[dict], list[str]]:
	"""A customer whose committed `ledger_seq` differs from the one in this transaction's
	snapshot was changed by a transaction this one cannot see: its figures here may be
	stale, so it is returned among the stale names (for the caller to mark dirty) rather
	than overwritten. Returns (differences corrected, stale names)."""
	now = now_datetime()
	# Child rows exist only for multi-company customers: read them only where they may exist.
	stored_balances = _stored_balances(
		[
			n
			for n in chunk
			if (stored.get(n, {}).get("company_count") or 0) > 1 or len(all_figures[n].companies) > 1
		]
	)
	corrected, updates, rewrite, stale = [], {}, [], []
	for name in chunk:
		if name not in stored or name not in committed:
			continue
		if (committed[name][0] or 0) != (stored[name]["ledger_seq"] or 0):
			stale.append(name)
			continue
		figures = all_figures[name]
		diffs = _differences(name, stored[name], figures)
		balances_changed = stored_balances.get(name, []) != _balance_rows(figures)
		if (
			diffs
			or balances_changed
			or stored[name]["ledger_dirty"]
			or (stored[name]["ledger_voucher_count"] != figures.voucher_count)
		):
			updates[name] = {
				**{f: getattr(figures, f) for f in HEADER_FIELDS},
				"ledger_voucher_count": figures.voucher_count,
				"ledger_seq": (stored[name]["ledger_seq"] or 0) + 1,
				"ledger_updated_on": now,
				"ledger_dirty": 0,
			}
		if balances_changed:
			rewrite.append(name)
		corrected.extend(diffs)
	_store_headers(updates)
	if rewrite:
		_rewrite_balances(rewrite, all_figures, now)
	return corrected, stale


UPDATED_FIELDS = (*HEADER_FIELDS, "ledger_voucher_count", "ledger_seq", "ledger_updated_on", "ledger_dirty")


@cache
def _update_one_sql() -> str:
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.update(crm)
	for f in UPDATED_FIELDS:
		query = query.set(crm[f], Parameter(f"%({f})s"))
	return query.where(crm.name == Parameter("%(name)s")).get_sql()


def _store_headers(updates: dict[str, dict]) -> None:
	# A document event updates one customer: a statement built once beats bulk_update's
	# per-call CASE construction on the submit's critical path.
	if len(updates) <= 3:
		for name, values in updates.items():
			frappe.db.sql(_update_one_sql(), {**values, "name": name})
	elif updates:
		frappe.db.bulk_update("CRM Customer", updates, update_modified=False)


def _rewrite_balances(names: list[str], all_figures: dict[str, CustomerFigures], now) -> None:
	# Delete and insert go together or not at all.
	frappe.db.savepoint("crm_pack_balances")
	try:
		_replace_balance_rows(names, all_figures, now)
	except Exception:
		frappe.db.rollback(save_point="crm_pack_balances")
		raise
	frappe.db.release_savepoint("crm_pack_balances")


def _replace_balance_rows(names: list[str], all_figures: dict[str, CustomerFigures], now) -> None:
	frappe.db.delete(BALANCE_DOCTYPE, {"parenttype": "CRM Customer", "parent": ("in", names)})
	rows = []
	for name in names:
		for idx, row in enumerate(_balance_rows(all_figures[name]), start=1):
			rows.append(
				(
					frappe.generate_hash(length=12),
					name,
					"CRM Customer",
					"company_balances",
					idx,
					now,
					now,
					*row,
				)
			)
	if rows:
		frappe.db.bulk_insert(
			BALANCE_DOCTYPE,
			["name", "parent", "parenttype", "parentfield", "idx", "creation", "modified", *BALANCE_FIELDS],
			rows,
		)
