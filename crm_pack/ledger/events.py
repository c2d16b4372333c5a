"""What the events of ERPNext's selling, payment and ledger documents do to the figures.

An event only notes the customers it touched (`touch`). The figures are refreshed once
per transaction, just before it commits (`flush`, on frappe.db.before_commit): by then
ERPNext has written everything it will write — Payment Reconciliation, for one, saves
the payment first and rewrites the Payment Ledger afterwards — so the refresh reads the
final ledger, every customer of a multi-line journal is refreshed in one set-based pass,
and the CRM Customer rows are locked only for the moment before the commit.

Besides the documents' own events, every GL Entry and Payment Ledger Entry that ERPNext
posts for a customer is noted: reposts, revaluations, reconciliation tools and anything
else that posts to the ledger reach the figures without an event of their own.

The user's document comes first: whatever goes wrong here is logged, the customers are
marked for recompute, and the commit goes on. Only a deadlock is raised, because the
database has already rolled the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import frappe
from frappe.utils import getdate

from crm_pack import compat
from crm_pack.ledger import refresh
from crm_pack.ledger.rules.figures import CLOSED_ORDER_STATUSES, NOT_LATE_ORDER_STATUSES

_LOCAL_KEY = "crm_pack_ledger_pending"


class Pending:
	"""Customers this transaction touched, whether their analytics basis changed, whether
	it may have given them a part of the ledger they had none of: an order, a delivery, a
	credit note (else only their invoices, payments and postings changed), and the invoices
	it submitted (company, posting date): with the stored last invoice date they give the
	new one (ledger/refresh.py)."""

	__slots__ = ("analytics", "invoiced", "ledger", "new_parts", "source")

	def __init__(self) -> None:
		self.ledger: set[str] = set()
		self.analytics: set[str] = set()
		self.new_parts: set[str] = set()
		self.invoiced: dict[str, list[tuple[str, dt.date]]] = {}
		self.source: tuple[str, str] | None = None


def _pending() -> Pending:
	pending = getattr(frappe.local, _LOCAL_KEY, None)
	if pending is None:
		pending = Pending()
		setattr(frappe.local, _LOCAL_KEY, pending)
		# commit resets before_rollback and runs before_commit; rollback does the opposite
		frappe.db.before_commit.add(flush)
		frappe.db.before_rollback.add(_discard)
	return pending


def _discard() -> None:
	setattr(frappe.local, _LOCAL_KEY, None)


def touch(
	customers: Iterable[str | None], doc=None, *, analytics: bool = True, new_parts: bool = True
) -> None:
	"""Note customers whose figures this transaction changes; refreshed before the commit.
	`analytics`: their invoices or payments changed, so their analytics basis is stale.
	`new_parts`: it may give them a part of the ledger they had none of (an order, a
	delivery, a credit note); False only for what cannot (an invoice or payment posted), so
	their refresh reads only the parts of the ledger they have (ledger/queries.kinds_for)."""
	names = {c for c in customers if c}
	if not names:
		return
	pending = _pending()
	pending.ledger |= names
	if analytics:
		pending.analytics |= names
	if new_parts:
		pending.new_parts |= names
	if doc is not None and pending.source is None:
		pending.source = (doc.doctype, doc.name)


def renamed(old: str, new: str) -> None:
	"""A customer renamed (or merged into another) after this transaction touched it: its
	refresh before the commit is for the name it now has."""
	pending = getattr(frappe.local, _LOCAL_KEY, None)
	if pending is None:
		return
	for names in (pending.ledger, pending.analytics, pending.new_parts):
		if old in names:
			names.discard(old)
			names.add(new)
	if old in pending.invoiced:
		pending.invoiced.setdefault(new, []).extend(pending.invoiced.pop(old))


def flush() -> None:
	"""Refresh every customer this transaction touched (frappe.db.before_commit). Tests
	call it to see what the commit would store, without committing."""
	pending = getattr(frappe.local, _LOCAL_KEY, None)
	setattr(frappe.local, _LOCAL_KEY, None)
	if pending is None or not pending.ledger:
		return
	customers = sorted(pending.ledger)
	try:
		refresh.refresh_in_transaction(
			customers, analytics=pending.analytics, new_parts=pending.new_parts, invoiced=pending.invoiced
		)
	except Exception as e:
		_recover(e, customers, pending)


def _recover(error: Exception, customers: list[str], pending: Pending) -> None:
	if compat.rolled_back_by_server(error):
		# The database already rolled the whole transaction back: nothing left to save.
		raise error
	doctype, name = pending.source or (None, None)
	frappe.log_error(
		title=f"crm_pack: ledger figures not refreshed for {doctype or 'a transaction'} {name or ''}".strip(),
		reference_doctype=doctype,
		reference_name=name,
	)
	if frappe.db.is_timedout(error):
		# Another transaction holds the rows: marking them would wait again. A worker
		# recomputes them once this commit is through.
		refresh.recompute_after_commit(customers)
		return
	try:
		refresh.mark_dirty(customers, analytics=pending.analytics)
	except Exception:
		frappe.log_error(title="crm_pack: could not mark customers for recompute")
		refresh.recompute_after_commit(customers)


# --- which customers a document touches -------------------------------------------------


def customers_of(doc) -> list[str]:
	if doc.doctype in ("Sales Order", "Sales Invoice", "POS Invoice", "Delivery Note"):
		return [doc.customer]
	if doc.doctype == "Payment Entry":
		return [doc.party] if doc.party_type == "Customer" else []
	if doc.doctype == "Journal Entry":
		return [row.party for row in doc.accounts if row.party_type == "Customer" and row.party]
	if doc.doctype in ("GL Entry", "Payment Ledger Entry"):
		return [doc.party] if doc.party_type == "Customer" else []
	if doc.doctype == "Unreconcile Payment":
		ple = frappe.qb.DocType("Payment Ledger Entry")
		parties = (
			frappe.qb.from_(ple)
			.select(ple.party)
			.distinct()
			.where((ple.voucher_type == doc.voucher_type) & (ple.voucher_no == doc.voucher_no))
			.where(ple.party_type == "Customer")
			.run(pluck=True)
		)
		return [row.party for row in doc.allocations if row.party_type == "Customer" and row.party] + parties
	return []


def ledger_changed(doc) -> None:
	"""An invoice, payment, journal, unreconcile or ledger row: figures and analytics. Posted
	or updated, none gives the customer an order or a delivery, and only a credit note gives
	it postings of or against a return; a cancel is read in full (an invoice's cancel gives
	its delivery notes back their unbilled amount). A submitted invoice is noted with its
	date, the only way the last invoice date moves without a cancel or a credit note."""
	touch(customers_of(doc), doc, new_parts=doc.docstatus == 2 or bool(doc.get("is_return")))
	if doc.doctype == "Sales Invoice" and doc.docstatus == 1 and not doc.get("is_return") and doc.customer:
		_pending().invoiced.setdefault(doc.customer, []).append((doc.company, getdate(doc.posting_date)))


def order_changed(doc) -> None:
	"""A Sales Order: ordered and open-order figures (the analytics read invoices only)."""
	touch(customers_of(doc), doc, analytics=False)


def order_status_changed(doc) -> None:
	"""Closing, holding or reopening an order changes its open value and whether it is
	late; other status moves follow billing or delivery, whose own events cover them."""
	if doc.docstatus != 1 or not doc.has_value_changed("status"):
		return
	before = doc.get_doc_before_save()
	old = before.status if before else None
	watched = CLOSED_ORDER_STATUSES | NOT_LATE_ORDER_STATUSES
	if old in watched or doc.status in watched:
		touch([doc.customer], doc, analytics=False)


def delivery_changed(doc) -> None:
	"""A Delivery Note: the orders it delivers may no longer be late, and one made without
	an order counts in the credit exposure until invoiced."""
	touch(customers_of(doc), doc, analytics=False)
