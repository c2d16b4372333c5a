"""The daily payment follow-up (scheduler, when CRM Pack Settings' collections_enabled).

1. One grouped read of the Payment Ledger finds every customer with an overdue (the
   Accounts Receivable rule, per company), plus those still in a sequence (a level,
   stopped orders, an open promise).
2. They are worked in chunks, one transaction each, committed one at a time: a chunk
   reads its customers' open vouchers, promises, disputes and the steps already logged
   today set-based, decides each customer (rules/levels.py) and takes the steps
   (steps.py). More than one chunk goes to the long queue, one job per chunk with a job
   id of the day, so a second run while they wait adds nothing.
3. Each customer is worked in a savepoint: one customer's failure (a Dunning ERPNext
   refuses, a template that does not render, no outgoing email account) is logged and
   undone, the others go on, and the customer is tried again tomorrow. A customer whose
   level moved is committed at once, so its CRM Customer row is locked only for its own
   step (a user's invoice for that customer never waits for a whole chunk). A payment
   committed after the chunk was read is seen by the next run (the sequence is reset by
   the payment's own refresh, or by the next run, whichever comes later).

Nothing is sent twice: the level, the Dunning, the Payment Reminder and the Email Queue
row of a step commit together, and a customer already at the level due takes no step (a
step logged today at that level is not taken again either). A run after a crash
re-does only the chunks that did not commit.
"""

from __future__ import annotations

import datetime as dt

import frappe
from frappe.utils import cint, flt, getdate, nowdate

from crm_pack.credit_control import promises, reads, sequence, steps
from crm_pack.credit_control.rules import levels as rules
from crm_pack.ledger.currencies import company_currencies

JOB_PREFIX = "crm_pack::follow_ups"


def settings():
	return frappe.get_cached_doc("CRM Pack Settings")


def level_rules(s=None) -> list[rules.LevelRule]:
	s = s or settings()
	return rules.sorted_levels([row.as_dict() for row in s.collection_levels])


def daily_job() -> None:
	"""Scheduler entry (daily)."""
	if not cint(settings().collections_enabled):
		return
	run(commit=True)


def candidates(on_date: dt.date) -> list[str]:
	overdue = reads.overdue_candidates(on_date)
	names = set(overdue) | set(reads.customers_in_sequence()) | set(reads.customers_with_open_promises())
	return sorted(names)


def run(
	on_date=None, *, commit: bool = False, chunk_size: int | None = None, enqueue: bool | None = None
) -> dict:
	"""Every candidate, a chunk per transaction. Returns counts for the caller (and tests).
	`enqueue`: hand chunks to the long queue (default: when there is more than one)."""
	on_date = getdate(on_date or nowdate())
	s = settings()
	size = chunk_size or cint(s.ledger_batch_size) or 500
	names = candidates(on_date)
	chunks = [names[i : i + size] for i in range(0, len(names), size)]
	if enqueue is None:
		enqueue = commit and len(chunks) > 1
	totals = {"customers": len(names), "chunks": len(chunks), "steps": 0, "changed": 0, "failed": 0}
	for i, chunk in enumerate(chunks):
		if enqueue:
			frappe.enqueue(
				"crm_pack.credit_control.follow_up_run.run_chunk_job",
				queue="long",
				job_id=f"{JOB_PREFIX}::{on_date.isoformat()}::{i}",
				deduplicate=True,
				customers=chunk,
				on_date=on_date.isoformat(),
			)
			continue
		for key, value in run_chunk(chunk, on_date, commit=commit).items():
			totals[key] += value
	return totals


def run_chunk_job(customers: list[str], on_date: str) -> None:
	if not cint(settings().collections_enabled):
		return
	run_chunk(customers, getdate(on_date), commit=True)


def run_chunk(customers: list[str], on_date: dt.date, *, commit: bool = False) -> dict:
	if commit:
		frappe.db.rollback()  # a fresh snapshot for the chunk
	s = settings()
	levels = level_rules(s)
	minimum = flt(s.minimum_overdue_amount)
	grace = cint(s.promise_grace_days)
	broken = promises.evaluate(customers, on_date, decide_broken=True)
	states = reads.customer_states(customers)
	vouchers = reads.open_vouchers(customers, on_date)
	disputes = reads.open_disputes(customers)
	holds = reads.interactions_with_invoices(customers, "Promise to Pay")
	logged = reads.steps_logged_on(customers, on_date)
	currencies = company_currencies({v.company for rows in vouchers.values() for v in rows})
	counts = {"steps": 0, "changed": 0, "failed": 0}
	for customer in customers:
		state = states.get(customer)
		if not state:
			continue
		companies = rules.company_overdue(
			vouchers.get(customer, []),
			on_date,
			disputed=reads.disputed_parts(disputes.get(customer, [])),
			minimum=minimum,
			holds=[rules.PromiseHold(p.company, getdate(p.promised_date)) for p in holds.get(customer, [])],
			grace_days=grace,
		)
		current = cint(state.collection_level)
		decision = rules.decide(
			levels,
			companies,
			on_date,
			current,
			done_companies=[],
			escalate=bool(broken.get(customer)),
		)
		done = {c for c, level in logged.get(customer, set()) if level == decision.level}
		decision.step_companies = [c for c in decision.step_companies if c not in done]
		savepoint = "crm_pack_follow_up"
		frappe.db.savepoint(savepoint)
		try:
			taken = apply(customer, state, decision, levels, currencies, s, on_date, broken.get(customer, []))
		except Exception as e:
			if frappe.db.is_deadlocked(e):
				raise
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(
				title=f"crm_pack: payment follow-up failed for {customer}",
				reference_doctype="CRM Customer",
				reference_name=customer,
			)
			counts["failed"] += 1
			continue
		frappe.db.release_savepoint(savepoint)
		counts["steps"] += taken
		counts["changed"] += int(taken > 0 or decision.level != current)
		if commit and (taken or decision.level != current or broken.get(customer)):
			# the CRM Customer row is locked only for this customer's step, not the chunk's
			frappe.db.commit()
	disputes_changed = [
		c for c in customers if disputes.get(c) or flt((states.get(c) or {}).get("disputed_amount"))
	]
	if disputes_changed:
		from crm_pack.credit_control import disputes as dispute_module

		dispute_module.roll_up(disputes_changed)
	if commit:
		frappe.db.commit()
	return counts


def apply(customer, state, decision: rules.Decision, levels, currencies, s, on_date, broken=()) -> int:
	"""Writes the decision: broken promises, the level and dates on the CRM Customer, and
	the steps (all undone together if a step fails)."""
	if broken:
		promises.mark_broken(broken)
		promises.roll_up([customer])
	if decision.cleared:
		if cint(state.collection_level) or cint(state.orders_stopped):
			sequence.stop([customer])
		return 0
	level = rules.level_rule(levels, decision.level)
	letter = rules.skipped_letter(levels, cint(state.collection_level), decision.level)
	taken = 0
	for company in decision.step_companies:
		for step in (letter, level) if letter else (level,):
			steps.take_step(
				customer, state, step, decision.companies[company], currencies.get(company), s, on_date
			)
			taken += 1
	since = (
		on_date
		if decision.advanced
		else (getdate(state.collection_level_since) if state.collection_level_since else on_date)
	)
	new = (decision.level, since, decision.next_date, int(decision.orders_stopped))
	old = (
		cint(state.collection_level),
		getdate(state.collection_level_since) if state.collection_level_since else None,
		getdate(state.next_collection_date) if state.next_collection_date else None,
		cint(state.orders_stopped),
	)
	if new != old:
		crm = frappe.qb.DocType("CRM Customer")
		(
			frappe.qb.update(crm)
			.set(crm.collection_level, new[0])
			.set(crm.collection_level_since, new[1])
			.set(crm.next_collection_date, new[2])
			.set(crm.orders_stopped, new[3])
			.where(crm.name == customer)
			.run()
		)
	return taken
