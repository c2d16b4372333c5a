"""doc_events on ERPNext's Journal Entry: the figures of the customers it pays or books."""

from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.ledger_changed(doc)


def on_cancel(doc, method=None) -> None:
	events.ledger_changed(doc)


def on_update_after_submit(doc, method=None) -> None:
	# Payment Reconciliation saves the entry this way when it allocates it to invoices.
	events.ledger_changed(doc)
