"""Follow-ups reach their owner on time; satisfaction rolls up on the customer."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_pack.interactions.follow_ups import remind_due_follow_ups
from tests.integration import factories

OWNER = "crm.user@crm-pack.test"


def interaction(cust, **values):
	return frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"subject": "Quote request",
			"channel": "Phone",
			"handled_by": OWNER,
			**values,
		}
	).insert()


def open_todos(doc):
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": doc.doctype, "reference_name": doc.name, "status": "Open"},
		fields=["allocated_to", "date"],
	)


def test_follow_up_date_becomes_an_assignment_for_its_owner():
	doc = interaction(factories.customer(), follow_up_date=add_days(nowdate(), 3))
	todos = open_todos(doc)
	assert len(todos) == 1 and todos[0].allocated_to == OWNER and str(todos[0].date) == add_days(nowdate(), 3)

	doc.follow_up_date = add_days(nowdate(), 5)
	doc.save()
	todos = open_todos(doc)
	assert len(todos) == 1 and str(todos[0].date) == add_days(nowdate(), 5)

	doc.follow_up_done = 1
	doc.save()
	assert open_todos(doc) == []
	assert frappe.db.get_value("ToDo", {"reference_name": doc.name}, "status") == "Closed"


def test_due_follow_ups_are_reminded():
	doc = interaction(factories.customer(), follow_up_date=nowdate())
	interaction(factories.customer(), follow_up_date=add_days(nowdate(), 1))
	assert remind_due_follow_ups() >= 1
	assert frappe.db.exists("Notification Log", {"for_user": OWNER, "document_name": doc.name})


def test_follow_up_done_needs_a_date():
	with pytest.raises(frappe.ValidationError, match="Set the follow-up date"):
		interaction(factories.customer(), follow_up_done=1)


def test_satisfaction_rolls_up_and_is_validated():
	cust = factories.customer()
	interaction(cust, satisfaction=5)
	interaction(cust, satisfaction=2)
	interaction(cust)  # not asked: does not count
	assert frappe.db.get_value("CRM Customer", cust, "satisfaction_score") == 3.5
	with pytest.raises(frappe.ValidationError, match="Satisfaction is 1 to 5"):
		interaction(cust, satisfaction=7)
	assert frappe.db.count("Customer Interaction", {"customer": cust}) == 3
