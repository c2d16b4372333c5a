"""doc_events on frappe's Communication: emails to and from customers become interactions."""

from crm_pack.interactions import email_log


def after_insert(doc, method=None) -> None:
	email_log.on_communication_insert(doc)
