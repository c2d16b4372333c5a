"""Staff Scorecard computed from records: follow-ups on time / late / overdue, response
times, service levels, complaints, and the orders that followed a person's interactions."""

import datetime as dt

import frappe
import pytest
from frappe.utils import add_days, get_datetime, getdate, nowdate

from crm_pack.crm_pack.report.staff_scorecard.staff_scorecard import execute
from tests.integration import factories

USER = "crm.user@crm-pack.test"
OTHER = "crm.manager@crm-pack.test"


def interaction(cust, days_ago, handled_by=USER, **values):
	return frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"channel": "Phone",
			"subject": "Call",
			"handled_by": handled_by,
			"interaction_datetime": get_datetime(add_days(nowdate(), -days_ago)) + dt.timedelta(hours=10),
			**values,
		}
	).insert()


def quotation(cust, rate):
	doc = frappe.get_doc(
		{
			"doctype": "Quotation",
			"company": factories.company(),
			"quotation_to": "Customer",
			"party_name": cust,
			"transaction_date": nowdate(),
			"items": [{"item_code": factories.ITEM, "qty": 1, "rate": rate}],
		}
	).insert(ignore_permissions=True)
	doc.submit()
	return doc


def card(user, as_user="Administrator", **filters):
	frappe.set_user(as_user)
	try:
		_columns, data, *_ = execute(
			{"from_date": add_days(nowdate(), -20), "to_date": nowdate(), "user": user, **filters}
		)
	finally:
		frappe.set_user("Administrator")
	return {row["user"]: row for row in data}


def test_scorecard_counts_what_happened():
	cust = factories.customer()
	on_time = interaction(cust, 10, follow_up_date=add_days(nowdate(), 2))
	on_time.follow_up_done = 1
	on_time.save()
	late = interaction(cust, 10, follow_up_date=add_days(nowdate(), -5))
	late.follow_up_done = 1  # ticked today, five days after it was due
	late.save()
	interaction(cust, 3, follow_up_date=add_days(nowdate(), -1))  # overdue
	answered = interaction(cust, 2, status="Open")
	answered.status = "Replied"
	answered.save()
	interaction(cust, 40)  # outside the period
	order = factories.sales_order(cust, 400)
	quote = quotation(cust, 150)
	other_cust = factories.customer()
	factories.sales_order(other_cust, 999)  # nobody talked to this customer

	row = card(USER)[USER]
	assert row["handled"] == 4
	assert (row["follow_ups_on_time"], row["follow_ups_late"], row["follow_ups_overdue"]) == (1, 1, 1)
	assert row["median_first_response_hours"] is not None and row["median_first_response_hours"] > 0
	assert (row["orders"], row["order_value"]) == (1, order.base_net_total)
	assert (row["quotations"], row["quotation_value"]) == (1, quote.base_net_total)


def test_window_setting_limits_what_follows():
	cust = factories.customer()
	interaction(cust, 15)
	factories.sales_order(cust, 400)  # 15 days after the call
	frappe.db.set_single_value("CRM Pack Settings", "scorecard_attribution_days", 10)
	try:
		assert card(USER)[USER]["orders"] == 0
	finally:
		frappe.db.set_single_value("CRM Pack Settings", "scorecard_attribution_days", 30)
	assert card(USER)[USER]["orders"] == 1


def test_complaints_resolved_and_their_cost_on_the_card():
	cust = factories.customer()
	invoice = factories.sales_invoice(cust, 300)
	credit = factories.credit_note(invoice)
	complaint = interaction(cust, 1, interaction_type="Complaint", priority="Medium")
	complaint.append("costs", {"document_type": "Sales Invoice", "document": credit.name})
	complaint.status = "Resolved"
	complaint.save()
	row = card(USER)[USER]
	assert (row["complaints"], row["complaints_resolved"]) == (1, 1)
	assert row["complaint_cost"] == pytest.approx(abs(credit.base_grand_total))
	assert row["sla_met_percent"] == 100.0  # resolved at once: within the agreement


def test_a_crm_user_sees_only_their_own_card():
	cust = factories.customer()
	interaction(cust, 1)
	interaction(cust, 1, handled_by=OTHER)
	assert set(card(None)) >= {USER, OTHER}  # a manager (Administrator) sees everyone
	# asking for someone else's card still shows only one's own
	assert set(card(OTHER, as_user=USER)) == {USER}


def test_users_without_crm_roles_cannot_run_it():
	with pytest.raises(frappe.PermissionError):
		frappe.set_user("sales.only@crm-pack.test")
		try:
			frappe.get_attr("frappe.desk.query_report.run")("Staff Scorecard", filters={})
		finally:
			frappe.set_user("Administrator")


def test_from_after_to_is_refused():
	with pytest.raises(frappe.ValidationError, match="is after"):
		execute({"from_date": nowdate(), "to_date": add_days(nowdate(), -1)})
	assert getdate(nowdate())
