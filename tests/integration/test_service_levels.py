"""Complaint service levels on crm_pack's own clock (CRM Service Level, sla_engine.py):
clocks over weekends and holidays, pauses, breach marks."""

import datetime as dt

import frappe
import pytest

from crm_pack.interactions.service_levels import complaint_sla
from tests.integration import factories

FRIDAY_5PM = dt.datetime(2026, 11, 20, 17, 0)  # a Friday; support hours are 09:00-18:00 Mon-Fri


@pytest.fixture
def holiday_list():
	name = frappe.db.get_value("CRM Service Level", complaint_sla(), "holiday_list")
	yield name
	frappe.clear_document_cache("Holiday List", name)
	frappe.clear_document_cache("CRM Service Level", complaint_sla())


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
	general one excludes that channel (the first agreement that matches is taken)."""
	general = frappe.get_doc("CRM Service Level", complaint_sla())
	phone = frappe.copy_doc(general)
	phone.service_level_name = "CRM Complaints by Phone"
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
		frappe.clear_document_cache("CRM Service Level", general.name)


def test_time_on_hold_does_not_count():
	doc = complaint("High")  # resolve by Wednesday 14:00 (24 working hours from Friday 17:00)
	assert doc.sla_resolution_by == dt.datetime(2026, 11, 25, 14, 0)
	respond(doc, "On Hold", dt.datetime(2026, 11, 23, 10, 0))
	assert doc.first_responded_on == dt.datetime(2026, 11, 23, 10, 0)
	assert doc.on_hold_since == dt.datetime(2026, 11, 23, 10, 0)
	assert not doc.sla_resolution_by  # unknown while paused
	respond(doc, "Open", dt.datetime(2026, 11, 23, 12, 30))
	assert doc.total_hold_time == 2.5 * 3600
	assert doc.sla_resolution_by == dt.datetime(2026, 11, 25, 16, 30)
	respond(doc, "Resolved", dt.datetime(2026, 11, 25, 16, 0))
	assert doc.agreement_status == "Fulfilled"


def test_an_interaction_that_stops_being_a_complaint_loses_its_clock():
	doc = complaint("High")
	doc.interaction_type = "Inquiry"
	doc.save()
	assert not doc.service_level_agreement
	assert not doc.response_by and not doc.sla_resolution_by and not doc.agreement_status


def test_a_priority_the_agreement_lacks_gets_no_clock():
	sla = frappe.get_doc("CRM Service Level", complaint_sla())
	sla.priorities = [p for p in sla.priorities if p.priority != "Low"]
	sla.save()
	try:
		assert not complaint("Low").service_level_agreement
		assert complaint("High").service_level_agreement == sla.name
	finally:
		frappe.clear_document_cache("CRM Service Level", sla.name)


def test_an_agreement_for_one_customer_comes_first():
	general = frappe.get_doc("CRM Service Level", complaint_sla())
	cust = factories.customer()
	vip = frappe.copy_doc(general)
	vip.service_level_name = "CRM Complaints VIP"
	vip.entity_type, vip.entity = "Customer", cust
	for row in vip.priorities:
		row.response_time = 1800
	vip.insert()
	try:
		assert complaint("High", customer=cust).service_level_agreement == vip.name
		assert complaint("High").service_level_agreement == general.name
	finally:
		frappe.clear_document_cache("CRM Service Level", vip.name)


def test_the_agreement_refuses_what_the_clock_cannot_count():
	sla = frappe.get_doc("CRM Service Level", complaint_sla())
	sla.working_hours[0].end_time = "08:00:00"
	with pytest.raises(frappe.ValidationError, match="end after they start"):
		sla.save()
	sla.reload()
	sla.default_priority = "High"
	sla.priorities = [p for p in sla.priorities if p.priority != "High"]
	with pytest.raises(frappe.ValidationError, match="default priority"):
		sla.save()


def test_the_form_offers_the_agreements_priorities():
	from crm_pack.interactions.sla_engine import agreement_choices

	choices = agreement_choices(complaint_sla(), factories.customer())
	assert sorted(choices["priority"]) == ["High", "Low", "Medium"]
	assert complaint_sla() in choices["service_level_agreements"]
