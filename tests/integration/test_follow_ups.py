"""Follow-ups reach their owner on time; satisfaction rolls up on the customer."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_pack import compat
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


def next_follow_up(cust):
	value = frappe.db.get_value("CRM Customer", cust, "next_follow_up_date")
	return str(value) if value else None


def test_next_follow_up_is_the_earliest_open_follow_up_when_saved():
	cust = factories.customer()
	assert next_follow_up(cust) is None
	interaction(cust, follow_up_date=add_days(nowdate(), 9))
	assert next_follow_up(cust) == add_days(nowdate(), 9)
	interaction(cust, follow_up_date=add_days(nowdate(), 4))
	interaction(cust)  # no follow-up: does not count
	assert next_follow_up(cust) == add_days(nowdate(), 4)


def test_next_follow_up_moves_on_when_the_follow_up_is_done():
	cust = factories.customer()
	early = interaction(cust, follow_up_date=add_days(nowdate(), 2))
	late = interaction(cust, follow_up_date=add_days(nowdate(), 6))
	early.follow_up_done = 1
	early.save()
	assert next_follow_up(cust) == add_days(nowdate(), 6)
	late.follow_up_done = 1
	late.save()
	assert next_follow_up(cust) is None
	early.follow_up_done = 0  # reopened
	early.save()
	assert next_follow_up(cust) == add_days(nowdate(), 2)


def test_next_follow_up_follows_a_moved_follow_up():
	cust = factories.customer()
	doc = interaction(cust, follow_up_date=add_days(nowdate(), 3))
	interaction(cust, follow_up_date=add_days(nowdate(), 8))
	doc.follow_up_date = add_days(nowdate(), 12)
	doc.save()
	assert next_follow_up(cust) == add_days(nowdate(), 8)
	doc.follow_up_date = add_days(nowdate(), 1)
	doc.save()
	assert next_follow_up(cust) == add_days(nowdate(), 1)


def test_next_follow_up_forgets_a_deleted_interaction():
	cust = factories.customer()
	doc = interaction(cust, follow_up_date=add_days(nowdate(), 2))
	interaction(cust, follow_up_date=add_days(nowdate(), 7))
	doc.delete()
	assert next_follow_up(cust) == add_days(nowdate(), 7)
	frappe.get_doc("Customer Interaction", {"customer": cust}).delete()
	assert next_follow_up(cust) is None


def test_next_follow_up_is_a_working_list_filter():
	cust = factories.customer()
	interaction(cust, follow_up_date=add_days(nowdate(), 1))
	due_soon = frappe.get_list(
		"CRM Customer", filters={"next_follow_up_date": ("<=", add_days(nowdate(), 1))}, pluck="name"
	)
	assert cust in due_soon


def test_a_new_interaction_shows_no_changes_nobody_made():
	"""Its ToDo is linked after the save: that is bookkeeping, not "changed Satisfaction
	from 0 to null, Promised Amount from 0 to null…" on the form's timeline."""
	cust = factories.customer()
	compat.set_in_test(False)  # frappe's test mode writes no Version at all
	try:
		doc = frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": cust,
				"channel": "Phone",
				"direction": "Outbound",
				"interaction_type": "Inquiry",
				"subject": "Asked for the price list",
				"interaction_datetime": frappe.utils.now_datetime(),
				"follow_up_date": frappe.utils.nowdate(),
				"handled_by": "crm.user@crm-pack.test",
			}
		).insert()
	finally:
		compat.set_in_test(True)
	assert doc.follow_up_todo and frappe.db.get_value("Customer Interaction", doc.name, "follow_up_todo")
	assert not frappe.get_all("Version", filters={"ref_doctype": "Customer Interaction", "docname": doc.name})
