"""doc_events on ERPNext's Customer: its CRM record is created, renamed, merged and deleted with it."""

import frappe

from crm_pack.relationship import records as customer_records


def after_insert(doc, method=None) -> None:
	customer_records.create_for_customer(doc)


def on_update(doc, method=None) -> None:
	customer_records.sync_master_fields(doc)


def after_rename(doc, method=None, old: str | None = None, new: str | None = None, merge: bool = False):
	customer_records.follow_rename(old, new, merge)
	if merge:
		# The surviving customer now owns the merged customer's orders, invoices and payments.
		from crm_pack.analytics.basis import mark_changed
		from crm_pack.ledger.refresh import refresh_in_transaction

		refresh_in_transaction([new])
		mark_changed([new])


def on_trash(doc, method=None) -> None:
	customer_records.delete_with_customer(doc.name)


def get_dashboard_data(data: dict) -> dict:
	"""Adds crm_pack's records to the Customer form's Connections."""
	data.setdefault("non_standard_fieldnames", {})
	data["transactions"].append(
		{
			"label": frappe._("CRM"),
			"items": ["CRM Customer", "Customer Interaction", "Implementation Project"],
		}
	)
	return data
