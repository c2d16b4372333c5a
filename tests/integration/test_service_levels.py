"""Complaint service levels on ERPNext's SLA engine: clocks over weekends and holidays,
breach marks."""

import datetime as dt

import frappe
import pytest

from crm_pack.interactions.service_levels import complaint_sla
from tests.integration import factories

FRIDAY_5PM = dt.datetime(2026, 11, 20, 17, 0)  # a Friday; support hours are 09:00-18:00 Mon-Fri


@pytest.fixture
def holiday_list():
	name = frappe.db.get_value("Service Level Agreement", complaint_sla(), "holiday_list")
	yield name
	frappe.clear_document_cache("Holiday List", name)
	frappe.clear_cache(doctype="Service Level Agreement")


def complaint(priority="High", **values):
	doc = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": factories.customer(),
			"subject": "Delivery arrived damaged",
			"channel": "Phone",
			"interaction_type": "Complaint",
			"priority": priority,
			**values,
		}
	).insert()
	# as if it had been logged on Friday at 5 pm
	doc.service_level_agreement_creation = FRIDAY_5PM
	doc.save()
	return doc


def test_complaints_get_the_agreement_and_inquiries_do_not():
	doc = complaint()
	assert doc.service_level_agreement == complaint_sla()
	inquiry = frappe.get_doc(
		{"doctype": "Customer Interaction", "customer": doc.customer, "subject": "Price?", "channel": "Email"}
	).insert()
	assert not inquiry.service_level_agreement


def test_response_clock_skips_the_weekend(holiday_list):
	doc = complaint("High")  # respond within 4 working hours
	# 1 hour on Friday (17-18), 3 on Monday from 09:00
	assert doc.response_by == dt.datetime(2026, 11, 23, 12, 0)


def test_response_clock_skips_a_holiday(holiday_list):
	hl = frappe.get_doc("Holiday List", holiday_list)
	hl.append("holidays", {"holiday_date": "2026-11-23", "description": "Company holiday"})
	hl.save()
	frappe.clear_document_cache("Holiday List", holiday_list)
	doc = complaint("High")
	assert doc.response_by == dt.datetime(2026, 11, 24, 12, 0)


def respond(doc, status, at):
	frappe.flags.current_time = at
	try:
		doc.status = status
		doc.save()
	finally:
		frappe.flags.current_time = None


def test_late_response_and_late_resolution_are_marked_as_breach():
	doc = complaint("High")  # respond by Monday 12:00, resolve within 24 working hours
	respond(doc, "Replied", dt.datetime(2026, 11, 23, 15, 0))
	assert doc.first_responded_on == dt.datetime(2026, 11, 23, 15, 0)
	assert doc.first_responded_on > doc.response_by  # the response target was missed
	assert doc.agreement_status == "Resolution Due"
	respond(doc, "Resolved", doc.sla_resolution_by + dt.timedelta(hours=2))
	assert doc.agreement_status == "Failed"


def test_resolution_in_time_is_fulfilled():
	doc = complaint("Medium")
	respond(doc, "Replied", dt.datetime(2026, 11, 23, 10, 0))
	respond(doc, "Resolved", dt.datetime(2026, 11, 23, 11, 0))
	assert doc.first_responded_on <= doc.response_by
	assert doc.agreement_status == "Fulfilled"


def test_crm_managers_are_warned_before_and_told_at_breach():
	from crm_pack.interactions.service_levels import escalate

	doc = complaint("High")  # first response due Monday 12:00
	counts = escalate(now=dt.datetime(2026, 11, 23, 11, 30))
	assert counts["Warned"] >= 1
	assert frappe.db.get_value("Customer Interaction", doc.name, "escalation_stage") == "Warned"
	assert escalate(now=dt.datetime(2026, 11, 23, 11, 40))["Warned"] == 0  # once only
	escalate(now=dt.datetime(2026, 11, 23, 12, 30))
	assert frappe.db.get_value("Customer Interaction", doc.name, "escalation_stage") == "Breached"
	assert frappe.db.exists(
		"Notification Log", {"for_user": "crm.manager@crm-pack.test", "document_name": doc.name}
	)


def test_targets_per_channel_with_a_second_agreement():
	"""Channel-specific targets are a second agreement with a condition on the channel; the
	general one excludes that channel (ERPNext takes the first agreement that matches)."""
	general = frappe.get_doc("Service Level Agreement", complaint_sla())
	phone = frappe.copy_doc(general)
	phone.service_level = "CRM Complaints by Phone"
	phone.condition = 'doc.interaction_type == "Complaint" and doc.channel == "Phone"'
	for row in phone.priorities:
		row.response_time, row.resolution_time = 3600, 8 * 3600  # 1 h / 8 h on the phone
	phone.insert()
	general.condition = 'doc.interaction_type == "Complaint" and doc.channel != "Phone"'
	general.save()
	try:
		by_phone = complaint("High")
		by_email = complaint("High", channel="Email")
		assert by_phone.service_level_agreement == phone.name
		assert by_phone.response_by == dt.datetime(2026, 11, 20, 18, 0)  # 1 working hour from Friday 17:00
		assert by_email.service_level_agreement == general.name
		assert by_email.response_by == dt.datetime(2026, 11, 23, 12, 0)
	finally:
		frappe.clear_cache(doctype="Service Level Agreement")
