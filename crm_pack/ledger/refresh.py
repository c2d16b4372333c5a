"""When and how CRM Customer's ledger figures are recomputed: before a transaction commits
(document events, through ledger/events.py), by a worker right after the commit, for
customers marked dirty (scheduler), and for everyone (daily, on demand, install).

Concurrency: a transaction's REPEATABLE READ snapshot may predate another transaction's
commit for the same customer. A refresh therefore locks the CRM Customer rows and
compares each row's `ledger_seq` as committed with the value in its own snapshot: if
another transaction moved it, the snapshot is stale, so the customer is marked dirty and
recomputed after the commit instead of being written with stale figures. For the one
customer of an invoice or payment the update that writes the figures is itself the lock
and the comparison (`... WHERE ledger_seq = <as this transaction saw it>`: an update
takes the row as committed); several customers are locked first, in name order, with a
locking read. Locks are taken just before the commit, and never held across a
background job's chunks.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import frappe
from frappe import _
from frappe.utils import cint
from pypika.terms import Parameter

from crm_pack import compat
from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger import store
from crm_pack.ledger.announce import CHANGED_UNWRITTEN, FIGURES_WRITTEN, RECORDS_MISSING, announce
from crm_pack.ledger.rules.figures import CustomerFigures

# One job drains every dirty customer, so a burst of submits queues one job, not many.
DIRTY_JOB_ID = "crm_pack::ledger_dirty"
RECOMPUTE_ALL_JOB_ID = "crm_pack::ledger_recompute_all"
# a transaction touching more customers than this (a journal with many customer lines)
# leaves them to the worker rather than reading all their ledgers before its commit
MAX_CUSTOMERS_IN_TRANSACTION = 50


def _settings():
	s = frappe.get_cached_doc("CRM Pack Settings")
	return cint(s.sync_refresh_max_vouchers) or 300, cint(s.ledger_batch_size) or 500


def write_figures(
	all_figures: dict[str, CustomerFigures], *, chunk_size: int = 500, create_missing: bool = False
) -> list[dict]:
	"""Store figures where they differ from what is stored; returns the differences corrected."""
	corrected: list[dict] = []
	names = list(all_figures)
	for start in range(0, len(names), chunk_size):
		chunk = names[start : start + chunk_size]
		committed, stored = _locked_state(chunk, create_missing)
		fixed, stale, _unwritten = store.write_chunk(chunk, all_figures, committed, stored)
		corrected += fixed
		if stale:
			mark_dirty(stale)
		_after_figures_written([n for n in chunk if n not in stale], stored, all_figures)
	return corrected


def _locked_state(names: list[str], create_missing: bool) -> tuple[dict, dict]:
	"""Lock the rows, then read them as this transaction's snapshot sees them."""
	committed = _lock(names)
	missing = [n for n in names if n not in committed]
	if missing and create_missing:
		announce(RECORDS_MISSING, missing)
		committed.update(_lock(missing))
	return committed, store.stored_state(names)


@cache
def _lock_sql() -> str:
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.from_(crm).select(crm.name, crm.ledger_seq).where(crm.name.isin(Parameter("%(names)s")))
	return query.orderby(crm.name).for_update().get_sql()


def _lock(names: list[str]) -> dict[str, tuple]:
	"""Lock the rows in name order (no deadlock between two recomputes) and read them as committed."""
	sql = compat.latest_rows(_lock_sql())
	return {r[0]: r[1:] for r in frappe.db.sql(sql, {"names": tuple(names)})}


def refresh_in_transaction(
	customers: list[str],
	analytics: set[str] | frozenset = frozenset(),
	new_parts: set[str] | frozenset | None = None,
	invoiced: dict[str, list[tuple[str, dt.date]]] | None = None,
) -> None:
	"""Recompute inside the caller's transaction, just before it commits.

	A refresh reads the customer's whole ledger, so its cost grows with that history.
	Customers whose last recompute counted more vouchers than the settings allow, and
	transactions touching more than MAX_CUSTOMERS_IN_TRANSACTION customers, are instead
	marked dirty and recomputed by a worker right after the commit: the submit's own
	cost stays bounded. `analytics`: customers whose analytics basis this transaction
	made stale (counted in the same statement that writes their figures). `new_parts`:
	customers it may have given a part of the ledger they had none of (an order, a delivery,
	a credit note; None: any of them); the others' ledger is read without the parts they are
	known to have none of (ledger/queries.kinds_for), and without their invoices: the
	(company, posting date) of the invoices this transaction submitted, in `invoiced`, and
	the stored last invoice date give the new one (an invoice's cancel or a credit note
	gives new parts)."""
	names = sorted(set(filter(None, customers)))
	if not names:
		return
	if len(names) > MAX_CUSTOMERS_IN_TRANSACTION:
		mark_dirty(names, analytics=analytics)
		return
	if len(names) == 1:
		name = names[0]
		everything = new_parts is None or name in new_parts
		if _refresh_one(name, name in analytics, everything, (invoiced or {}).get(name, ())):
			return
	# several customers (a journal), or one without its CRM Customer row in this snapshot
	with compat.locks_read_latest():
		_refresh_locked(names, analytics)


def _refresh_one(name: str, analytics: bool, new_parts: bool, invoiced) -> bool:
	"""One customer in four statements: its state as this transaction sees it, its ledger,
	and the compared update of its figures and company rows. False when its CRM Customer
	row is not in this snapshot (the locking path creates it)."""
	stored = store.stored_state([name])
	state = stored.get(name)
	if state is None:
		return False
	counted = {name} if analytics else frozenset()
	limit, _batch = _settings()
	if (state["ledger_voucher_count"] or 0) > limit:
		mark_dirty([name], analytics=counted)
		return True
	# a customer marked dirty may have anything: read it all
	everything = new_parts or state["ledger_dirty"]
	kinds = ledger_queries.KINDS if everything else ledger_queries.kinds_for(state["ledger_parts"])
	last_invoiced = None
	if not everything and state["ledger_parts"]:
		# nothing here took an invoice away: its last date is the stored one or a later
		# one submitted here, without reading every invoice (a sixth of a submit's refresh
		# at 100 invoices)
		kinds = tuple(k for k in kinds if k != "si")
		last_invoiced = {name: (state["last_invoice_date"], invoiced)}
	figures = store.read_figures([name], kinds=kinds, last_invoiced=last_invoiced)
	outcome = store.write_compared(name, figures[name], state, analytics)
	if outcome == store.UNCHANGED:
		# nothing to write, so nothing locked yet: lock and compare as the locking path does
		committed = _lock([name])
		if name in committed and (committed[name][0] or 0) != (state["ledger_seq"] or 0):
			outcome = store.STALE
	if outcome == store.STALE:
		mark_dirty([name], analytics=counted)
		return True
	_after_figures_written([name], stored, figures)
	if outcome == store.UNCHANGED and analytics:
		with compat.locks_read_latest():  # the listeners' updates take the latest rows
			announce(CHANGED_UNWRITTEN, [name])
	return True


def _refresh_locked(names: list[str], analytics: set[str] | frozenset) -> None:
	committed, stored = _locked_state(names, create_missing=True)
	limit, _batch = _settings()
	large = [n for n in names if n in stored and (stored[n]["ledger_voucher_count"] or 0) > limit]
	small = [n for n in names if n in stored and n not in large]
	if large:
		mark_dirty(large, analytics=analytics)
	if small:
		figures = store.read_figures(small)
		_, stale, unwritten = store.write_chunk(small, figures, committed, stored, analytics=analytics)
		if stale:
			mark_dirty(stale, analytics=analytics)
		_after_figures_written([n for n in small if n not in stale], stored, figures)
		if unwritten:
			announce(CHANGED_UNWRITTEN, unwritten)


def _after_figures_written(names: list[str], stored: dict, figures: dict) -> None:
	"""Payment follow-ups stop in the same transaction as the payment that clears them."""
	announce(FIGURES_WRITTEN, names, stored, figures)


def mark_dirty(customers: list[str], analytics: set[str] | frozenset = frozenset()) -> None:
	"""Flag customers for recompute and ask a worker to do it once this transaction commits."""
	dirty = sorted(customers)
	both = tuple(n for n in dirty if n in analytics)
	ledger_only = tuple(n for n in dirty if n not in analytics)
	for names, counted in ((both, 1), (ledger_only, 0)):
		if names:
			frappe.db.sql(compat.latest_rows(_mark_dirty_sql()), {"names": names, "counted": counted})
	frappe.db.after_commit.add(_enqueue_dirty_job)


@cache
def _mark_dirty_sql() -> str:
	crm = frappe.qb.DocType("CRM Customer")
	return (
		frappe.qb.update(crm)
		.set(crm.ledger_dirty, 1)
		.set(crm.ledger_seq, crm.ledger_seq + 1)
		.set(crm.analytics_dirty, crm.analytics_dirty + Parameter("%(counted)s"))
		.where(crm.name.isin(Parameter("%(names)s")))
		.get_sql()
	)


def recompute_after_commit(customers: list[str]) -> None:
	"""For when the rows cannot be marked now: a worker recomputes them after the commit."""
	names = sorted(customers)
	frappe.db.after_commit.add(lambda: _enqueue_quietly("recompute_job", customers=names))


def _enqueue_dirty_job() -> None:
	_enqueue_quietly("recompute_dirty_job", job_id=DIRTY_JOB_ID, deduplicate=True)


def _enqueue_quietly(method: str, **kwargs) -> None:
	# After commit the user's work is saved; a queue outage must not turn that into an error.
	# The dirty flag stays set and the scheduler picks the customers up.
	try:
		frappe.enqueue(f"crm_pack.ledger.refresh.{method}", queue="short", **kwargs)
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
	"""Customers marked dirty (an update failed, met a stale snapshot or was left to a
	worker), a batch per transaction. Returns how many were recomputed."""
	_limit, batch = _settings()
	names = frappe.get_all("CRM Customer", filters={"ledger_dirty": 1}, pluck="name", limit=limit)
	for start in range(0, len(names), batch):
		if commit:
			frappe.db.rollback()  # fresh snapshot, taken after the lock in recompute()
		recompute(names[start : start + batch])
		if commit:
			frappe.db.commit()
	return len(names)


def recompute_dirty_job(rounds: int = 5) -> None:
	"""The after-commit job: drains the dirty customers, again while submits keep marking
	more (a few rounds; the */5 scheduler takes whatever is left)."""
	for _round in range(rounds):
		if not recompute_dirty():
			return


def recompute_all(*, commit: bool = False, progress=None) -> list[dict]:
	"""Every customer, a chunk per transaction when `commit`: each chunk is locked, read
	after the lock and committed, so a user's submit waits for one chunk at most and no
	chunk writes figures read before another transaction's commit. Returns the
	differences corrected; `progress(done, total)` is told after each chunk."""
	names = _everyone(commit)
	_limit, batch = _settings()
	corrected: list[dict] = []
	for start in range(0, len(names), batch):
		corrected += _recompute_batch(names[start : start + batch], commit)
		if progress:
			progress(min(start + batch, len(names)), len(names))
	return corrected


def _everyone(commit: bool) -> list[str]:
	announce(RECORDS_MISSING, None)  # None: every customer without a record
	if commit:
		frappe.db.commit()
	return sorted(frappe.get_all("CRM Customer", pluck="name"))


def _recompute_batch(names: list[str], commit: bool) -> list[dict]:
	if commit:
		frappe.db.rollback()
	corrected = recompute(names)
	if commit:
		frappe.db.commit()
	return corrected


RUN = "ledger_recompute_all"
CHUNK_CUSTOMERS = 5000


def recompute_all_job() -> None:
	"""Scheduler (daily): the same run in chunks on the long queue
	(crm_pack/utils/chunked_jobs.py), each chunk recomputed a batch per transaction as
	above; every customer's figures are their own, so there is no final step."""
	from crm_pack.utils import chunked_jobs

	chunked_jobs.start(
		RUN, "crm_pack.ledger.refresh.recompute_chunk", chunked_jobs.split(_everyone(True), CHUNK_CUSTOMERS)
	)


def recompute_chunk(names: list[str]) -> None:
	_limit, batch = _settings()
	for start in range(0, len(names), batch):
		_recompute_batch(names[start : start + batch], commit=True)


def recompute_all_for(user: str) -> None:
	"""On demand (queued by api/ledger.py): progress to the user who started it, and a
	summary in their notifications at the end."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	def progress(done: int, total: int) -> None:
		frappe.publish_realtime(
			"progress",
			{
				"percent": 100 * done / max(total, 1),
				"title": _("Recomputing customer figures"),
				"description": _("{0} of {1} customers").format(done, total),
			},
			user=user,
		)

	corrected = recompute_all(commit=True, progress=progress)
	customers = len({d["customer"] for d in corrected})
	make_notification_logs(
		frappe._dict(
			{
				"type": "Alert",
				"document_type": "CRM Pack Settings",
				"document_name": "CRM Pack Settings",
				"subject": _("Customer figures recomputed: {0} customers corrected, {1} differences.").format(
					customers, len(corrected)
				),
				"from_user": user,
			}
		),
		[user],
	)
	frappe.db.commit()
