"""doc_events on ERPNext's Sales Invoice: its customer's figures, and the complaint a
cancelled credit note was costing."""

from crm_pack.interactions import complaint_costs
from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.ledger_changed(doc)


def on_cancel(doc, method=None) -> None:
	events.ledger_changed(doc)
	# a cancelled credit note no longer costs the complaint it came from
	complaint_costs.on_document_cancelled(doc)


def on_update_after_submit(doc, method=None) -> None:
	events.ledger_changed(doc)
