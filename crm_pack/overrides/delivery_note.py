"""doc_events on ERPNext's Delivery Note: a cancelled return delivery no longer costs its complaint."""

from crm_pack.interactions import complaint_costs


def on_cancel(doc, method=None) -> None:
	complaint_costs.on_document_cancelled(doc)
