"""doc_events on ERPNext's Customer: its CRM record is created, renamed, merged and deleted
with it. Creating, mirroring and renaming never stop the Customer's own save: a failure is
logged and the nightly run creates what is missing."""

import frappe

from crm_pack.ledger import events
from crm_pack.relationship import records as customer_records
from crm_pack.utils.guard import never_blocks


def after_insert(doc, method=None) -> None:
	with never_blocks("crm_pack: CRM Customer not created", doc):
		customer_records.create_for_customer(doc)
	if doc.get("crm_deal"):
		# made from a deal won in Frappe CRM: the deal's organization is this customer
		with never_blocks("crm_pack: Frappe CRM organization not linked", doc):
			from crm_pack.frappe_crm import identity

			identity.on_customer_insert(doc)


def on_update(doc, method=None) -> None:
	with never_blocks("crm_pack: CRM Customer not updated", doc):
		customer_records.sync_master_fields(doc)
	# after ERPNext's own on_update, which makes the quick entry's contact and address;
	# the tax ID is the Customer's too
	with never_blocks("crm_pack: data quality not updated", doc):
		from crm_pack.relationship import data_quality

		data_quality.recompute([doc.name])
	if _credit_limits_changed(doc):
		# the credit-limit use on the CRM Customer (ledger figures), before this save commits
		events.touch([doc.name], doc, analytics=False)


def _credit_limits_changed(doc) -> bool:
	def limits(d):
		return sorted((r.company, float(r.credit_limit or 0)) for r in (d.get("credit_limits") or []))

	before = doc.get_doc_before_save()
	return limits(doc) != (limits(before) if before else [])


def after_rename(doc, method=None, old: str | None = None, new: str | None = None, merge: bool = False):
	with never_blocks("crm_pack: CRM Customer did not follow the rename", doc):
		customer_records.follow_rename(old, new, merge)
	events.renamed(old, new)
	if merge:
		# The surviving customer now owns the merged customer's orders, invoices and payments.
		events.touch([new], doc)


def on_trash(doc, method=None) -> None:
	# Refuses on purpose when CRM history exists (the message says how to merge instead).
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
