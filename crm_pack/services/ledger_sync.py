"""Keeps CRM Customer ledger figures equal to ERPNext's books.

Figures are always recomputed from the books (GL Entry, Payment Ledger Entry,
submitted orders and invoices), never incremented. `recompute` serves every
path: a document event for one customer, the scheduler for customers marked
dirty, and the full run for all customers.

Concurrency: document events run inside the user's transaction, whose
REPEATABLE READ snapshot may predate another transaction's commit for the same
customer. `refresh_in_transaction` therefore locks the CRM Customer rows and
compares each row's `ledger_seq` as committed (locking read) with the value in
its own snapshot: if another transaction moved it, the snapshot is stale, so the
customer is marked dirty and recomputed after commit instead of being written
with stale figures.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import frappe
from frappe.utils import getdate, now_datetime, today
from pypika.terms import Parameter

from crm_pack.ledger.figures import MONEY_FIELDS, CustomerFigures, compute
from crm_pack.services import ledger_queries
from crm_pack.services.settings import company_currencies, home_currency

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


def _stored_header(names: list[str]) -> dict[str, dict]:
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


def write_figures(
	all_figures: dict[str, CustomerFigures], *, chunk_size: int = 500, create_missing: bool = False
) -> list[dict]:
	"""Store figures where they differ from what is stored; returns the differences corrected."""
	corrected: list[dict] = []
	names = list(all_figures)
	for start in range(0, len(names), chunk_size):
		chunk = names[start : start + chunk_size]
		committed, stored = _locked_state(chunk, create_missing)
		corrected += _write_chunk(chunk, all_figures, committed, stored)
	return corrected


def _locked_state(names: list[str], create_missing: bool) -> tuple[dict, dict]:
	"""Lock the rows, then read them as this transaction's snapshot sees them."""
	committed = _lock(names)
	missing = [n for n in names if n not in committed]
	if missing and create_missing:
		from crm_pack.services.customer_records import ensure_for_customers

		ensure_for_customers(missing)
		committed.update(_lock(missing))
	return committed, _stored_header(names)


def _write_chunk(chunk: list[str], all_figures: dict, committed: dict, stored: dict) -> list[dict]:
	"""A customer whose committed `ledger_seq` differs from the one in this transaction's
	snapshot was changed by a transaction this one cannot see: its figures here may be
	stale, so it is marked dirty rather than overwritten."""
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
	if stale:
		mark_dirty(stale)
	return corrected


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


@cache
def _lock_sql() -> str:
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.from_(crm).select(crm.name, crm.ledger_seq).where(crm.name.isin(Parameter("%(names)s")))
	return query.orderby(crm.name).for_update().get_sql()


def _lock(names: list[str]) -> dict[str, tuple]:
	"""Lock the rows in name order (no deadlock between two recomputes) and read them as committed."""
	return {r[0]: r[1:] for r in frappe.db.sql(_lock_sql(), {"names": tuple(names)})}


def refresh_in_transaction(customers: list[str]) -> None:
	"""Recompute inside the caller's transaction (a document event).

	A refresh reads the customer's whole ledger, so its cost grows with that history.
	Customers whose last recompute counted more vouchers than the settings allow are
	instead marked dirty and recomputed by a worker right after the commit: the
	submit's own cost stays bounded."""
	names = sorted(set(filter(None, customers)))
	if not names:
		return
	committed, stored = _locked_state(names, create_missing=True)
	limit = frappe.get_cached_doc("CRM Pack Settings").sync_refresh_max_vouchers or 300
	large = [n for n in names if n in stored and (stored[n]["ledger_voucher_count"] or 0) > limit]
	small = [n for n in names if n in stored and n not in large]
	if large:
		mark_dirty(large)
	if small:
		_write_chunk(small, read_figures(small), committed, stored)


def mark_dirty(customers: list[str]) -> None:
	"""Flag customers for recompute and ask a worker to do it once this transaction commits."""
	crm = frappe.qb.DocType("CRM Customer")
	(
		frappe.qb.update(crm)
		.set(crm.ledger_dirty, 1)
		.set(crm.ledger_seq, crm.ledger_seq + 1)
		.where(crm.name.isin(customers))
		.run()
	)
	frappe.db.after_commit.add(lambda: _enqueue_quietly(customers))


def _enqueue_quietly(customers: list[str]) -> None:
	# After commit the user's work is saved; a queue outage must not turn that into an error.
	# The dirty flag stays set and the scheduler picks the customers up.
	try:
		frappe.enqueue("crm_pack.services.ledger_sync.recompute_job", queue="short", customers=customers)
	except Exception:
		frappe.log_error(title="crm_pack: could not queue ledger recompute")


def recompute(customers: list[str]) -> list[dict]:
	"""Lock, recompute and store; the caller owns the transaction."""
	names = sorted(set(customers))
	if not names:
		return []
	_lock(names)
	return write_figures(read_figures(names))


def recompute_job(customers: list[str]) -> None:
	# A fresh transaction, locked before any read, so the snapshot includes every commit
	# that preceded the lock.
	frappe.db.rollback()
	recompute(customers)
	frappe.db.commit()


def recompute_dirty(limit: int = 5000, *, commit: bool = True) -> int:
	"""Scheduler: recompute customers marked dirty (an update failed or met a stale snapshot)."""
	names = frappe.get_all("CRM Customer", filters={"ledger_dirty": 1}, pluck="name", limit=limit)
	batch = frappe.db.get_single_value("CRM Pack Settings", "ledger_batch_size") or 500
	for start in range(0, len(names), batch):
		if commit:
			frappe.db.rollback()  # fresh snapshot, taken after the lock in recompute()
		recompute(names[start : start + batch])
		if commit:
			frappe.db.commit()
	return len(names)


def recompute_all(*, commit: bool = False) -> list[dict]:
	"""Every customer, set-based: one grouped read per ledger table, writes in chunks."""
	from crm_pack.services.customer_records import ensure_for_customers

	ensure_for_customers()
	figures = read_figures(None)
	batch = frappe.db.get_single_value("CRM Pack Settings", "ledger_batch_size") or 500
	corrected = write_figures(figures, chunk_size=batch)
	if commit:
		frappe.db.commit()
	return corrected


def recompute_all_job() -> None:
	recompute_all(commit=True)
