"""doc_events on ERPNext's Payment Ledger Entry: reconciliation and reposts rewrite these
rows after the documents' own events; each one notes its customer. Before ERPNext
applies a row to an invoice, crm_pack's Dunnings on that invoice take the status ERPNext
would give them (credit_control/dunning_status.py: a receipt never fails on them)."""

from crm_pack.credit_control import dunning_status
from crm_pack.ledger import events
from crm_pack.utils.guard import never_blocks


def after_insert(doc, method=None) -> None:
	if dunning_status.may_move_a_dunning(doc):
		with never_blocks("crm_pack: Dunning status not set ahead", doc):
			dunning_status.before_ledger_update(doc)


def on_submit(doc, method=None) -> None:
	events.ledger_changed(doc)
