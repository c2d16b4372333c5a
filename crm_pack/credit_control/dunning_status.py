"""crm_pack's Dunnings change status a moment before ERPNext would change them.

When an invoice's outstanding moves (a payment, credit note, journal, reconciliation,
cancellation, unreconciliation), ERPNext re-reads the Dunnings naming that invoice and
*saves* those whose status changes, with the user's rights. Saving a submitted Dunning
needs submit on Dunning, which ERPNext gives Accounts Managers but not Accounts Users: so
a collector's receipt on an invoice the daily run dunned would fail. crm_pack made those
Dunnings, so it sets them to the status ERPNext is about to compute
(rules/dunning_status.py), with its own rights, from the ledger row's after_insert (the
row is written, ERPNext's update runs in its on_update just after) and before an
Unreconcile Payment is submitted. ERPNext then finds nothing to change and saves nothing.

Only crm_pack's Dunnings (those a Payment Reminder interaction links): other Dunnings
behave as ERPNext makes them.
"""

from __future__ import annotations

import frappe
from frappe.utils import flt

from crm_pack.credit_control.rules.dunning_status import erpnext_status, moved_state


def may_move_a_dunning(ple) -> bool:
	"""A receivable row against an invoice, other than the invoice's own posting (no
	Dunning can name it yet): checked before anything is read. Rows written with
	update_outstanding "No" count too: the Payment Reconciliation tool writes them all,
	then updates the invoice; the last row's call sees what that update will see."""
	return (
		ple.against_voucher_type == "Sales Invoice"
		and ple.party_type == "Customer"
		and not (ple.voucher_no == ple.against_voucher_no and flt(ple.amount) > 0)
	)


def before_ledger_update(ple) -> None:
	"""Payment Ledger Entry after_insert (where may_move_a_dunning): ERPNext updates the
	invoice in the row's on_update just after, or (reconciliation) once all rows are in."""
	dunnings = _our_dunnings(ple.party, ple.against_voucher_no)
	if not dunnings:
		return
	previous = flt(frappe.db.get_value("Sales Invoice", ple.against_voucher_no, "outstanding_amount"))
	outstanding = _outstanding_as_erpnext_reads_it(ple)
	if outstanding is not None:
		_set_ahead(ple.against_voucher_no, previous, outstanding, dunnings)


def before_unreconcile(doc) -> None:
	"""Unreconcile Payment before_submit: each allocation given back raises its invoice's
	outstanding by the allocated amount."""
	for alloc in doc.allocations:
		if alloc.reference_doctype != "Sales Invoice" or alloc.party_type != "Customer":
			continue
		dunnings = _our_dunnings(alloc.party, alloc.reference_name)
		if dunnings:
			previous = flt(frappe.db.get_value("Sales Invoice", alloc.reference_name, "outstanding_amount"))
			_set_ahead(alloc.reference_name, previous, previous + flt(alloc.allocated_amount), dunnings)


def _our_dunnings(customer: str, invoice: str) -> dict[str, str]:
	dunning = frappe.qb.DocType("Dunning")
	row = frappe.qb.DocType("Overdue Payment")
	interaction = frappe.qb.DocType("Customer Interaction")
	ours = frappe.qb.from_(interaction).select(interaction.dunning).where(interaction.customer == customer)
	return dict(
		frappe.qb.from_(dunning)
		.join(row)
		.on((row.parent == dunning.name) & (row.parenttype == "Dunning"))
		.select(dunning.name, dunning.status)
		.distinct()
		.where(
			(dunning.customer == customer)
			& (dunning.docstatus == 1)
			& (row.sales_invoice == invoice)
			& dunning.name.isin(ours)
		)
		.run()
	)


def _outstanding_as_erpnext_reads_it(ple) -> float | None:
	"""erpnext.accounts.utils.update_voucher_outstanding's figure, read the same way."""
	from erpnext.accounts.utils import QueryPaymentLedger

	table = frappe.qb.DocType("Payment Ledger Entry")
	rows = QueryPaymentLedger().get_voucher_outstandings(
		[frappe._dict(voucher_type="Sales Invoice", voucher_no=ple.against_voucher_no)],
		common_filter=[
			table.account == ple.account,
			table.party_type == ple.party_type,
			table.party == ple.party,
		],
	)
	if not rows:
		return None
	precision = frappe.get_meta("Sales Invoice").get_field("outstanding_amount").precision
	return flt(rows[0]["outstanding_in_account_currency"], int(precision) if precision else None)


def _set_ahead(invoice: str, previous: float, outstanding: float, dunnings: dict[str, str]) -> None:
	state = moved_state(previous, outstanding)
	to_move = [name for name, status in dunnings.items() if status == state]
	if not to_move:
		return
	row = frappe.qb.DocType("Overdue Payment")
	rows = (
		frappe.qb.from_(row)
		.select(row.parent, row.sales_invoice, row.payment_schedule)
		.where((row.parenttype == "Dunning") & row.parent.isin(to_move))
		.run()
	)
	invoices = {r[1] for r in rows} - {invoice}
	invoice_outstanding = dict(
		frappe.get_all(
			"Sales Invoice",
			filters={"name": ("in", list(invoices))},
			fields=["name", "outstanding_amount"],
			as_list=True,
		)
		if invoices
		else []
	)
	invoice_outstanding[invoice] = outstanding
	schedules = [r[2] for r in rows if r[2]]
	schedule_outstanding = dict(
		frappe.get_all(
			"Payment Schedule",
			filters={"name": ("in", schedules)},
			fields=["name", "outstanding"],
			as_list=True,
		)
		if schedules
		else []
	)
	for name in to_move:
		status = erpnext_status(
			[(r[1], r[2]) for r in rows if r[0] == name], invoice_outstanding, schedule_outstanding
		)
		if status != dunnings[name]:
			doc = frappe.get_doc("Dunning", name)
			doc.status = status
			doc.flags.ignore_permissions = True  # crm_pack's own letter; the user's right is to the payment
			doc.save()
