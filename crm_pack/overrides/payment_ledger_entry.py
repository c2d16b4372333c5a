"""doc_events on ERPNext's Payment Ledger Entry: reconciliation and reposts rewrite these
rows after the documents' own events; each one notes its customer."""

from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.ledger_changed(doc)
