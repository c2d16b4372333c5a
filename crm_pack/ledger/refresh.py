"""When and how CRM Customer's ledger figures are recomputed: in the user's transaction
(document events), after commit by a worker, for customers marked dirty (scheduler),
and for everyone (daily, on demand, install).

Concurrency: document events run inside the user's transaction, whose REPEATABLE READ
snapshot may predate another transaction's commit for the same customer.
`refresh_in_transaction` therefore locks the CRM Customer rows and compares each
row's `ledger_seq` as committed (locking read) with the value in its own snapshot: if
another transaction moved it, the snapshot is stale, so the customer is marked dirty
and recomputed after commit instead of being written with stale figures.
"""

from __future__ import annotations

from functools import cache

import frappe
from pypika.terms import Parameter

from crm_pack.ledger import store
from crm_pack.ledger.rules.figures import CustomerFigures


def write_figures(
	all_figures: dict[str, CustomerFigures], *, chunk_size: int = 500, create_missing: bool = False
) -> list[dict]:
	"""Store figures where they differ from what is stored; returns the differences corrected."""
	corrected: list[dict] = []
	names = list(all_figures)
	for start in range(0, len(names), chunk_size):
		chunk = names[start : start + chunk_size]
		committed, stored = _locked_state(chunk, create_missing)
		fixed, stale = store.write_chunk(chunk, all_figures, committed, stored)
		corrected += fixed
		if stale:
			mark_dirty(stale)
	return corrected


def _locked_state(names: list[str], create_missing: bool) -> tuple[dict, dict]:
	"""Lock the rows, then read them as this transaction's snapshot sees them."""
	committed = _lock(names)
	missing = [n for n in names if n not in committed]
	if missing and create_missing:
		from crm_pack.relationship.records import ensure_for_customers

		ensure_for_customers(missing)
		committed.update(_lock(missing))
	return committed, store.stored_header(names)


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
		_, stale = store.write_chunk(small, store.read_figures(small), committed, stored)
		if stale:
			mark_dirty(stale)


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
		frappe.enqueue("crm_pack.ledger.refresh.recompute_job", queue="short", customers=customers)
	except Exception:
		frappe.log_error(title="crm_pack: could not queue ledger recompute")


def recompute(customers: list[str]) -> list[dict]:
	"""Lock, recompute and store; the caller owns the transaction."""
	names = sorted(set(customers))
	if not names:
		return []
	_lock(names)
	return write_figures(store.read_figures(names))


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
	from crm_pack.relationship.records import ensure_for_customers

	ensure_for_customers()
	figures = store.read_figures(None)
	batch = frappe.db.get_single_value("CRM Pack Settings", "ledger_batch_size") or 500
	corrected = write_figures(figures, chunk_size=batch)
	if commit:
		frappe.db.commit()
	return corrected


def recompute_all_job() -> None:
	recompute_all(commit=True)
