"""Emails to and from a customer's contacts are logged as interactions, once each; the
customer's timelines (CRM and ERPNext) show them; quick entry from the Customer form."""

import frappe
import pytest
from frappe.utils import now_datetime

from tests.integration import factories


@pytest.fixture
def customer_with_contact():
	cust = factories.customer()
	frappe.db.set_value("CRM Customer", cust, "relationship_owner", "crm.user@crm-pack.test")
	email = f"buyer-{frappe.generate_hash(length=6)}@customer.test"
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Buyer",
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": cust}],
		}
	).insert(ignore_permissions=True)
	return cust, email


def email(sender, recipients, sent_or_received, message_id=None, **values):
	return frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": sent_or_received,
			"subject": values.pop("subject", "Where is my order?"),
			"content": values.pop("content", "<p>Hello, where is order 42?</p>"),
			"sender": sender,
			"recipients": recipients,
			"communication_date": now_datetime(),
			"message_id": message_id or f"<{frappe.generate_hash(length=12)}@mail.test>",
			**values,
		}
	).insert(ignore_permissions=True)


def interactions_of(cust):
	return frappe.get_all(
		"Customer Interaction",
		filters={"customer": cust},
		fields=["name", "channel", "direction", "status", "handled_by", "subject", "communication"],
		order_by="creation",
	)


def test_received_email_from_a_contact_becomes_an_open_inbound_interaction(customer_with_contact):
	cust, address = customer_with_contact
	comm = email(address, "sales@our-company.test", "Received")
	(row,) = interactions_of(cust)
	assert (row.channel, row.direction, row.status) == ("Email", "Inbound", "Open")
	assert row.subject == "Where is my order?"
	assert row.handled_by == "crm.user@crm-pack.test"  # the relationship owner answers
	assert row.communication == comm.name


def test_the_same_email_seen_twice_is_logged_once(customer_with_contact):
	cust, address = customer_with_contact
	sent = email("crm.user@crm-pack.test", address, "Sent", reference_doctype="Customer", reference_name=cust)
	# the mailbox receives its own copy back (same Message-ID)
	email("crm.user@crm-pack.test", address, "Received", message_id=sent.message_id)
	rows = interactions_of(cust)
	assert len(rows) == 1
	assert (rows[0].direction, rows[0].status) == ("Outbound", "Closed")


def test_reply_marks_the_received_email_as_answered(customer_with_contact):
	cust, address = customer_with_contact
	received = email(address, "sales@our-company.test", "Received")
	email(
		"crm.user@crm-pack.test",
		address,
		"Sent",
		in_reply_to=received.name,
		reference_doctype="Customer",
		reference_name=cust,
		subject="Re: Where is my order?",
	)
	rows = interactions_of(cust)
	assert [(r.direction, r.status) for r in rows] == [("Inbound", "Replied"), ("Outbound", "Closed")]


def test_email_from_an_interaction_and_unrelated_email_are_not_logged(customer_with_contact):
	cust, address = customer_with_contact
	email(address, "sales@our-company.test", "Received")
	(first,) = interactions_of(cust)
	email(
		"crm.user@crm-pack.test",
		address,
		"Sent",
		reference_doctype="Customer Interaction",
		reference_name=first.name,
	)
	email("stranger@nowhere.test", "sales@our-company.test", "Received")
	assert len(interactions_of(cust)) == 1


def test_logging_can_be_switched_off(customer_with_contact):
	cust, address = customer_with_contact
	frappe.db.set_single_value("CRM Pack Settings", "log_emails_as_interactions", 0)
	try:
		email(address, "sales@our-company.test", "Received")
	finally:
		frappe.db.set_single_value("CRM Pack Settings", "log_emails_as_interactions", 1)
	assert interactions_of(cust) == []


def test_interactions_on_both_timelines_escaped(customer_with_contact):
	from frappe.desk.form.load import getdoc

	from crm_pack.utils.html import escape_once

	cust, _address = customer_with_contact
	interaction = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"channel": "Visit",
			"subject": "Site visit <script>alert(1)</script> R&D",
		}
	).insert()
	# frappe sanitises the subject as it is saved (v15's bleach keeps the tag as text, v16's
	# nh3 drops it); whatever it kept must reach the timeline as text, never as markup
	stored = frappe.db.get_value("Customer Interaction", interaction.name, "subject")
	assert stored.startswith("Site visit")
	for doctype in ("Customer", "CRM Customer"):
		getdoc(doctype, cust)
		timeline = frappe.response["docinfo"]["additional_timeline_content"]
		(entry,) = [e for e in timeline if "Site visit" in e["content"]]
		assert escape_once(stored) in entry["content"]
		assert "<script" not in entry["content"]
		assert "Visit" in entry["content"]


def test_quick_entry_is_offered_for_interactions():
	meta = frappe.get_meta("Customer Interaction")
	assert meta.quick_entry
	quick = {df.fieldname for df in meta.fields if df.allow_in_quick_entry or df.reqd}
	assert {"customer", "channel", "interaction_type", "subject", "follow_up_date"} <= quick
