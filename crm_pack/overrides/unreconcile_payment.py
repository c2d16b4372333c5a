"""doc_events on ERPNext's Unreconcile Payment: the figures of the customers whose
allocations it takes back."""

from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.ledger_changed(doc)
