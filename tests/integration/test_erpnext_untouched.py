"""crm_pack leaves ERPNext's Support module (deprecated in v16, gone in v17) as the business
set it: complaints run on crm_pack's own clock whether Support Settings' tracking is on (for
Issues) or off, ERPNext's engine never processes them, and an Issue gets no agreement while
tracking is off. That install itself leaves the switch alone is test_zz_lifecycle's (an
install adds columns, which commits)."""

import datetime as dt

import frappe
import pytest

from crm_pack.interactions.service_levels import complaint_sla
from tests.integration import factories

FRIDAY_5PM = dt.datetime(2026, 11, 20, 17, 0)
TRACKING = ("Support Settings", "track_service_level_agreement")


def set_tracking(on: bool) -> None:
	# rolled back with the test (the connection's cache of singles goes with the rollback)
	frappe.db.set_single_value(*TRACKING, int(on))


def complaint(priority="High"):
	doc = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": factories.customer(),
			"subject": "Invoice sent to the wrong address",
			"channel": "Email",
			"interaction_type": "Complaint",
			"priority": priority,
		}
	).insert()
	doc.service_level_agreement_creation = FRIDAY_5PM
	doc.save()
	return doc


@pytest.mark.parametrize("on", [False, True], ids=["tracking off", "tracking on"])
def test_complaints_keep_the_same_clock_whatever_the_tracking_switch(on):
	if not frappe.db.exists("DocType", "Support Settings"):
		pytest.skip("ERPNext has no Support Settings here (Support module removed)")
	set_tracking(on)
	doc = complaint("High")  # 4 working hours: Friday 17-18, Monday 09-12
	assert doc.service_level_agreement == complaint_sla()
	assert doc.response_by == dt.datetime(2026, 11, 23, 12, 0)
	assert doc.agreement_status == "First Response Due"
	frappe.flags.current_time = dt.datetime(2026, 11, 23, 10, 0)
	try:
		doc.status = "On Hold"
		doc.save()
		assert doc.first_responded_on == dt.datetime(2026, 11, 23, 10, 0)
		assert doc.on_hold_since == dt.datetime(2026, 11, 23, 10, 0)
		frappe.flags.current_time = dt.datetime(2026, 11, 23, 11, 0)
		doc.status = "Resolved"
		doc.save()
	finally:
		frappe.flags.current_time = None
	assert doc.agreement_status == "Fulfilled"
	assert doc.total_hold_time == 3600  # the hour on hold does not count


def test_an_issue_gets_no_agreement_while_tracking_is_off():
	if not frappe.db.exists("DocType", "Issue"):
		pytest.skip("ERPNext has no Issue doctype here (Support module removed)")
	set_tracking(False)
	issue = frappe.get_doc(
		{"doctype": "Issue", "subject": "Printer jams", "customer": factories.customer()}
	).insert()
	assert not issue.service_level_agreement
	assert not issue.response_by
	assert not issue.sla_resolution_by
	# on the same site a complaint still runs on its agreement
	assert complaint().service_level_agreement == complaint_sla()


def test_erpnext_keeps_no_service_level_agreement_or_custom_field_for_interactions():
	"""Customer Interaction's clock fields are crm_pack's own: ERPNext's engine has no
	agreement for it (its validate hook skips it) and no custom field of its on it."""
	assert not frappe.db.exists("Custom Field", {"dt": "Customer Interaction", "fieldname": "response_by"})
	if frappe.db.table_exists("Service Level Agreement"):
		assert not frappe.db.exists("Service Level Agreement", {"document_type": "Customer Interaction"})
	meta = frappe.get_meta("Customer Interaction")
	assert meta.get_field("priority").fieldtype == "Select"
	assert meta.get_field("service_level_agreement").options == "CRM Service Level"
