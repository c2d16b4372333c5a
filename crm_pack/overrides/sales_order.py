"""doc_events on ERPNext's Sales Order: its customer's ordered and open-order figures."""

from crm_pack.ledger import events


def on_submit(doc, method=None) -> None:
	events.order_changed(doc)


def on_cancel(doc, method=None) -> None:
	events.order_changed(doc)


def on_update_after_submit(doc, method=None) -> None:
	events.order_changed(doc)


def on_change(doc, method=None) -> None:
	# Closing and reopening set the status with db_set, which fires only on_change.
	events.order_status_changed(doc)


def before_submit(doc, method=None) -> None:
	# a credit decision the business asked for (a follow-up level that stops new orders)
	from crm_pack.credit_control.orders import check_new_order

	check_new_order(doc)
