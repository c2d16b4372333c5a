"""doc_events on ERPNext's GL Entry: any posting for a customer, whatever posted it
(reposts, revaluations, tools that fire no event of their own), notes the customer."""

from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.ledger_changed(doc)
