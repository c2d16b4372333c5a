"""doc_events on ERPNext's Delivery Note: its customer's late orders and credit exposure, and a
cancelled return delivery no longer costs its complaint."""

from crm_pack.interactions import complaint_costs
from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.delivery_changed(doc)


def on_cancel(doc, method=None) -> None:
	events.delivery_changed(doc)
	complaint_costs.on_document_cancelled(doc)
