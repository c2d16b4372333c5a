"""Emails to and from a customer become Customer Interactions, once per email.

frappe links an email to a Customer when it is sent from a customer's document or when
a sender/recipient is a Contact linked to the Customer (Communication.timeline_links).
We read those links after the Communication is inserted; nothing here may stop an email
from being sent or received, so failures are logged and swallowed."""

import frappe
from frappe import _
from frappe.utils import cint, strip_html

from crm_pack.utils.guard import never_blocks

# documents an email can be written from whose customer is known
CUSTOMER_FIELD = {
	"Customer": "name",
	"CRM Customer": "name",
	"Sales Order": "customer",
	"Sales Invoice": "customer",
	"Delivery Note": "customer",
	"Implementation Project": "customer",
}


def on_communication_insert(doc) -> None:
	"""Communication after_insert (overrides/communication.py)."""
	if doc.communication_type != "Communication" or doc.communication_medium != "Email":
		return
	# an email written from an interaction is part of that interaction, not a new one
	if doc.reference_doctype == "Customer Interaction":
		return
	if not cint(frappe.db.get_single_value("CRM Pack Settings", "log_emails_as_interactions")):
		return
	with never_blocks("crm_pack: email not logged as an interaction", doc):
		log_email(doc)


def customers_of(doc) -> set[str]:
	customers = {
		link.link_name for link in doc.get("timeline_links") or [] if link.link_doctype == "Customer"
	}
	field = CUSTOMER_FIELD.get(doc.reference_doctype)
	if field and doc.reference_name:
		customers.add(
			doc.reference_name
			if field == "name"
			else frappe.db.get_value(doc.reference_doctype, doc.reference_name, field)
		)
	if doc.reference_doctype == "Quotation" and doc.reference_name:
		to, party = frappe.db.get_value("Quotation", doc.reference_name, ["quotation_to", "party_name"])
		if to == "Customer":
			customers.add(party)
	customers.discard(None)
	return customers


def log_email(doc) -> list[str]:
	customers = customers_of(doc)
	if not customers:
		return []
	crm = {
		r.name: r
		for r in frappe.get_all(
			"CRM Customer",
			filters={"name": ("in", sorted(customers))},
			fields=["name", "relationship_owner"],
		)
	}
	already = _already_logged(doc)
	sent = doc.sent_or_received == "Sent"
	created = []
	for customer in sorted(set(crm) - already):
		interaction = frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": customer,
				"interaction_datetime": doc.communication_date,
				"channel": "Email",
				"direction": "Outbound" if sent else "Inbound",
				"interaction_type": "Follow-up" if sent else "Inquiry",
				# an email we sent needs no answer; one we received does
				"status": "Closed" if sent else "Open",
				"handled_by": _handler(doc, crm[customer]),
				"subject": (doc.subject or strip_html(doc.content or "")[:140] or _("(no subject)"))[:140],
				"details": doc.content,
				"communication": doc.name,
				"email_message_id": doc.message_id,
			}
		)
		interaction.flags.ignore_permissions = True
		interaction.insert()
		created.append(interaction.name)
	if sent and doc.in_reply_to:
		_mark_replied(doc.in_reply_to)
	return created


def _already_logged(doc) -> set[str]:
	"""Customers this email is already an interaction for: the same Communication, or the
	same message seen twice (our sent copy and the copy the mailbox receives back)."""
	interaction = frappe.qb.DocType("Customer Interaction")
	condition = interaction.communication == doc.name
	if doc.message_id:
		condition = condition | (interaction.email_message_id == doc.message_id)
	return {c for (c,) in frappe.qb.from_(interaction).select(interaction.customer).where(condition).run()}


def _handler(doc, crm_customer) -> str | None:
	if doc.sent_or_received == "Sent" and doc.user and doc.user != "Guest":
		return doc.user
	return crm_customer.relationship_owner


def _mark_replied(communication: str) -> None:
	"""Our reply to a received email answers the interaction that email opened."""
	for name in frappe.get_all(
		"Customer Interaction", filters={"communication": communication, "status": "Open"}, pluck="name"
	):
		interaction = frappe.get_doc("Customer Interaction", name)
		interaction.status = "Replied"
		interaction.flags.ignore_permissions = True
		interaction.save()
