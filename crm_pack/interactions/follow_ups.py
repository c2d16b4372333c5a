"""Follow-ups reach their owner: an interaction's follow-up date is an assignment (ToDo)
for the person who handled it, closed when the follow-up is done, and a daily reminder
on the day it is due. Satisfaction given in interactions rolls up on the customer."""

import frappe
from frappe.query_builder.functions import Avg, Min
from frappe.utils import getdate, nowdate

from crm_pack.problems import _

# English sources, written in their reader's language by texts.for_user
from crm_pack.utils import bookkeeping
from crm_pack.utils import rendered_texts as texts


def sync_assignment(interaction) -> None:
	"""Keep exactly one open ToDo per pending follow-up, for its owner and date."""
	wanted = bool(interaction.follow_up_date and interaction.handled_by and not interaction.follow_up_done)
	todo = frappe.get_doc("ToDo", interaction.follow_up_todo) if interaction.follow_up_todo else None
	if todo and (not wanted or todo.allocated_to != interaction.handled_by):
		todo.status = "Closed" if interaction.follow_up_done else "Cancelled"
		todo.save(ignore_permissions=True)
		todo = None
		bookkeeping.set_link(interaction, "follow_up_todo", None)
	if not wanted:
		return
	description = texts.for_user(
		interaction.handled_by,
		_("Follow up with {0}: {1}"),
		interaction.customer_name or interaction.customer,
		interaction.subject,
	)
	if todo:
		if str(todo.date) != str(interaction.follow_up_date) or todo.status != "Open":
			todo.date, todo.status, todo.description = interaction.follow_up_date, "Open", description
			todo.save(ignore_permissions=True)
		return
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": interaction.handled_by,
			"date": interaction.follow_up_date,
			"description": description,
			"reference_type": interaction.doctype,
			"reference_name": interaction.name,
			"priority": "High" if interaction.interaction_type == "Complaint" else "Medium",
			"assigned_by": frappe.session.user,
		}
	).insert(ignore_permissions=True)
	bookkeeping.set_link(interaction, "follow_up_todo", todo.name)


def close_assignment(interaction) -> None:
	if interaction.follow_up_todo and frappe.db.exists("ToDo", interaction.follow_up_todo):
		frappe.db.set_value("ToDo", interaction.follow_up_todo, "status", "Cancelled")


def remind_due_follow_ups(on_date=None) -> int:
	"""Scheduler (daily): a desk notification, and the email frappe sends with it, to each
	owner of a follow-up due today."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	due = frappe.get_all(
		"Customer Interaction",
		filters={
			"follow_up_date": getdate(on_date or nowdate()),
			"follow_up_done": 0,
			"handled_by": ("is", "set"),
		},
		fields=["name", "subject", "customer_name", "customer", "handled_by"],
	)
	for row in due:
		make_notification_logs(
			{
				"type": "Alert",
				"document_type": "Customer Interaction",
				"document_name": row.name,
				"subject": texts.for_user(
					row.handled_by,
					_("Follow-up due today with {0}: {1}"),
					row.customer_name or row.customer,
					row.subject,
				),
				"from_user": "Administrator",
			},
			[row.handled_by],
		)
	return len(due)


def roll_up_satisfaction(customer: str) -> None:
	"""The customer's satisfaction is the average of the ratings given in its interactions."""
	interaction = frappe.qb.DocType("Customer Interaction")
	average = (
		frappe.qb.from_(interaction)
		.select(Avg(interaction.satisfaction))
		.where((interaction.customer == customer) & (interaction.satisfaction > 0))
		.run()[0][0]
	)
	frappe.db.set_value(
		"CRM Customer", customer, "satisfaction_score", round(float(average or 0), 1), update_modified=False
	)


def roll_up_next_follow_up(customer: str | None) -> None:
	"""The customer's next follow-up is the earliest follow-up not yet done among its
	interactions (empty when none is open)."""
	if not customer or not frappe.db.exists("CRM Customer", customer):
		return
	interaction = frappe.qb.DocType("Customer Interaction")
	earliest = (
		frappe.qb.from_(interaction)
		.select(Min(interaction.follow_up_date))
		.where(
			(interaction.customer == customer)
			& interaction.follow_up_date.isnotnull()
			& (interaction.follow_up_done == 0)
		)
		.run()[0][0]
	)
	if str(frappe.db.get_value("CRM Customer", customer, "next_follow_up_date") or "") != str(earliest or ""):
		frappe.db.set_value("CRM Customer", customer, "next_follow_up_date", earliest, update_modified=False)
