"""Complaint service levels: escalation before and at breach.

The clocks are crm_pack's own (rules/service_clock.py, run by sla_engine.py on every
save) on the fields ERPNext's engine used to keep (priority, response_by,
sla_resolution_by, first_responded_on, agreement_status, …), now standard fields of
Customer Interaction. crm_pack ships a default agreement for complaints, a CRM Service
Level (setup/complaint_agreement.py) that companies edit.
"""

import datetime as dt

import frappe

# English sources, written in each manager's language by texts.for_user
from crm_pack.problems import Label, _
from crm_pack.utils import rendered_texts as texts

SLA_NAME = "CRM Complaints"
WARN_BEFORE = dt.timedelta(hours=1)


def complaint_sla() -> str | None:
	return frappe.db.exists("CRM Service Level", SLA_NAME)


def escalate(now: dt.datetime | None = None) -> dict[str, int]:
	"""Scheduler (hourly): tell CRM Managers about complaints an hour before a target
	falls due ("Warned") and once it is missed ("Breached"), each step once."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
	from frappe.utils import now_datetime

	now = now or now_datetime()
	managers = [
		u
		for u in frappe.get_all(
			"Has Role", filters={"role": "CRM Manager", "parenttype": "User"}, pluck="parent"
		)
		if frappe.db.get_value("User", u, "enabled")
	]
	open_complaints = frappe.get_all(
		"Customer Interaction",
		filters={"agreement_status": ("in", ("First Response Due", "Resolution Due"))},
		fields=[
			"name",
			"subject",
			"customer",
			"agreement_status",
			"response_by",
			"sla_resolution_by",
			"escalation_stage",
		],
	)
	counts = {"Warned": 0, "Breached": 0}
	for c in open_complaints:
		due = c.response_by if c.agreement_status == "First Response Due" else c.sla_resolution_by
		if not due:
			continue
		stage = "Breached" if now > due else "Warned" if now > due - WARN_BEFORE else None
		if not stage or c.escalation_stage == stage or (c.escalation_stage == "Breached"):
			continue
		target = Label(_("first response") if c.agreement_status == "First Response Due" else _("resolution"))
		template = (
			_("Complaint {0} ({1}) missed its {2} target of {3}.")
			if stage == "Breached"
			else _("Complaint {0} ({1}) reaches its {2} target at {3}.")
		)
		# one notification per manager, each in their language (a stored text has one reader)
		for manager in managers:
			make_notification_logs(
				{
					"type": "Alert",
					"document_type": "Customer Interaction",
					"document_name": c.name,
					"subject": texts.for_user(manager, template, c.name, c.customer, target, due),
					"from_user": "Administrator",
				},
				[manager],
			)
		frappe.db.set_value("Customer Interaction", c.name, "escalation_stage", stage, update_modified=False)
		counts[stage] += 1
	return counts
