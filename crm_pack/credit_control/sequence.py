"""The follow-up sequence stops the moment the overdue is cleared.

Called by the ledger refresh right after a customer's figures are written, in the same
transaction as the payment, credit note, journal or reconciliation that cleared it
(ledger/refresh.py): the level goes back to 0, new Sales Orders are released, the
collector's open reminder tasks are closed, and open promises are checked (a payment
keeps a promise at once).

Only customers in a sequence (a level, stopped orders or an open promise; read with
the figures' own state, no extra query) cost anything here, so an ordinary invoice
submit pays nothing."""

from __future__ import annotations

import frappe
from frappe.utils import cint, flt, getdate, nowdate

from crm_pack import compat
from crm_pack.ledger.rules.figures import ZERO
from crm_pack.utils.guard import never_blocks

# read with the ledger state (ledger/store.STATE_FIELDS)
STATE_FIELDS = ("collection_level", "orders_stopped", "open_promise_amount")


def in_sequence(state: dict) -> bool:
	return bool(
		cint(state.get("collection_level"))
		or cint(state.get("orders_stopped"))
		or flt(state.get("open_promise_amount"))
	)


def after_figures_written(customers, stored: dict, figures: dict) -> None:
	watched = [n for n in customers if n in stored and n in figures and in_sequence(stored[n])]
	if not watched:
		return
	minimum = max(flt(frappe.get_cached_doc("CRM Pack Settings").minimum_overdue_amount), ZERO)
	cleared = [
		n
		for n in watched
		if (cint(stored[n].get("collection_level")) or cint(stored[n].get("orders_stopped")))
		and all(flt(cf.overdue_amount) < minimum for cf in figures[n].companies.values())
	]
	promised = [n for n in watched if flt(stored[n].get("open_promise_amount"))]
	if not (cleared or promised):
		return
	# in the refresh's transaction, which may predate a worker's or the nightly run's writes
	# to these rows: take the latest committed ones, as the refresh does (compat)
	with (
		never_blocks("crm_pack: payment follow-up not updated after a ledger change"),
		compat.locks_read_latest(),
	):
		if cleared:
			stop(cleared)
		if promised:
			from crm_pack.credit_control import promises

			promises.evaluate(promised, getdate(nowdate()), decide_broken=False)


def stop(customers: list[str]) -> None:
	"""Level 0, orders released, open reminders done and their ToDos closed."""
	crm = frappe.qb.DocType("CRM Customer")
	(
		frappe.qb.update(crm)
		.set(crm.collection_level, 0)
		.set(crm.collection_level_since, None)
		.set(crm.next_collection_date, None)
		.set(crm.orders_stopped, 0)
		.where(crm.name.isin(customers))
		.run()
	)
	close_reminders(customers)


def close_reminders(customers: list[str]) -> None:
	ci = frappe.qb.DocType("Customer Interaction")
	rows = (
		frappe.qb.from_(ci)
		.select(ci.name, ci.follow_up_todo, ci.customer)
		.where(ci.customer.isin(customers))
		.where(ci.interaction_type == "Payment Reminder")
		.where(ci.status.notin(("Resolved", "Closed")))
		.run(as_dict=True)
	)
	if not rows:
		return
	(
		frappe.qb.update(ci)
		.set(ci.status, "Closed")
		.set(ci.follow_up_done, 1)
		.set(ci.follow_up_done_on, getdate(nowdate()))
		.where(ci.name.isin([r.name for r in rows]))
		.run()
	)
	for todo in frappe.get_all(
		"ToDo",
		filters={"name": ("in", [r.follow_up_todo for r in rows if r.follow_up_todo]), "status": "Open"},
		pluck="name",
	):
		doc = frappe.get_doc("ToDo", todo)
		doc.status = "Closed"
		doc.save(ignore_permissions=True)
	from crm_pack.interactions.follow_ups import roll_up_next_follow_up

	for customer in {r.customer for r in rows}:
		roll_up_next_follow_up(customer)
