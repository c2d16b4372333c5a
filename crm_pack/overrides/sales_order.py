"""doc_events on ERPNext's Sales Order: its customer's ordered and open-order figures."""

from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.refresh_customers(doc)


def on_cancel(doc, method=None) -> None:
	events.refresh_customers(doc)


def on_update_after_submit(doc, method=None) -> None:
	events.refresh_customers(doc)


def on_change(doc, method=None) -> None:
	# Closing and reopening set the status with db_set, which fires only on_change.
	events.refresh_on_order_closing(doc)
