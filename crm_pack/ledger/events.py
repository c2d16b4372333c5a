"""What a selling or payment document's event does to the ledger figures: refresh the
customers it touches and tell the analytics their ledger changed.

Called from overrides/<doctype>.py. The user's document comes first: whatever goes
wrong here is logged, the customer is marked for recompute, and the submit or cancel
goes on.
"""

import frappe

from crm_pack.analytics import basis as analytics_basis
from crm_pack.ledger import refresh as ledger_sync
from crm_pack.ledger.rules.figures import CLOSED_ORDER_STATUSES


def customers_of(doc) -> list[str]:
	if doc.doctype in ("Sales Order", "Sales Invoice"):
		return [doc.customer]
	if doc.doctype == "Payment Entry":
		return [doc.party] if doc.party_type == "Customer" else []
	if doc.doctype == "Journal Entry":
		return [row.party for row in doc.accounts if row.party_type == "Customer" and row.party]
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


def refresh_customers(doc) -> None:
	customers = sorted(set(customers_of(doc)))
	if customers:
		refresh_safely(customers, doc)
		mark_analytics_safely(customers, doc)


def mark_analytics_safely(customers: list[str], doc) -> None:
	"""One indexed update of rows this transaction has just written; should it fail,
	tonight's analytics miss this change and the weekly re-read brings it in."""
	try:
		analytics_basis.mark_changed(customers)
	except Exception as e:
		_log_unless_deadlocked(e, doc, f"crm_pack: analytics not told of {doc.doctype} {doc.name}")


def _log_unless_deadlocked(error: Exception, doc, title: str) -> None:
	if frappe.db.is_deadlocked(error):
		# The database already rolled the whole transaction back: nothing left to save.
		raise error
	frappe.log_error(title=title, reference_doctype=doc.doctype, reference_name=doc.name)


def refresh_on_order_closing(doc) -> None:
	"""Closing or reopening an order changes its open value; other status moves follow billing,
	which the invoice's own event covers."""
	if doc.docstatus != 1 or not doc.has_value_changed("status"):
		return
	before = doc.get_doc_before_save()
	old = before.status if before else None
	if old in CLOSED_ORDER_STATUSES or doc.status in CLOSED_ORDER_STATUSES:
		refresh_safely([doc.customer], doc)


def refresh_safely(customers: list[str], doc) -> None:
	"""No savepoint on this path: every write the refresh makes is a single statement,
	which the database applies whole or not at all (the one two-statement write,
	per-company rows, brings its own savepoint). A failure therefore leaves correct
	figures or old ones, never half-written ones, and the customer is marked dirty."""
	try:
		ledger_sync.refresh_in_transaction(customers)
	except Exception as e:
		_log_unless_deadlocked(e, doc, f"crm_pack: ledger figures not refreshed for {doc.doctype} {doc.name}")
		try:
			ledger_sync.mark_dirty(customers)
		except Exception:
			frappe.log_error(title="crm_pack: could not mark customers for recompute")
