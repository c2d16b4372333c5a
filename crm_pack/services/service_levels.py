"""Complaint service levels through ERPNext's own Service Level Agreement engine.

ERPNext's SLA serves any doctype that is not single, child or submittable, lives
outside the core modules and has a `status` field — Customer Interaction qualifies.
Saving an agreement for it adds the engine's fields (priority, response_by,
sla_resolution_by, first_responded_on, agreement_status, …) as custom fields, and
ERPNext's own validate hook keeps the clocks, pauses and breach marks. crm_pack only
ships a sensible default agreement for complaints; companies edit it in ERPNext.
"""

import datetime as dt

import frappe
from frappe import _

from crm_pack.interactions.rules import check_service_level_targets
from crm_pack.utils.validation import throw_problems

SLA_NAME = "CRM Complaints"
HOLIDAY_LIST = "CRM Pack Service Calendar"
# priority: (response hours, resolution hours) — "reply within 24 hours", not "reply quickly"
TARGETS = {"High": (4, 24), "Medium": (24, 72), "Low": (48, 120)}
WORKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def ensure_complaint_sla() -> str | None:
	"""Creates the default complaint agreement once; an existing one is left as the business set it."""
	if frappe.db.exists("Service Level Agreement", {"document_type": "Customer Interaction"}):
		return None
	# ERPNext applies agreements only while SLA tracking is on (Support Settings).
	frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
	for priority in TARGETS:
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": priority}).insert(ignore_permissions=True)
	sla = frappe.get_doc(
		{
			"doctype": "Service Level Agreement",
			"service_level": SLA_NAME,
			"document_type": "Customer Interaction",
			"description": _("Response and resolution targets for customer complaints."),
			"enabled": 1,
			"default_priority": "Medium",
			"apply_sla_for_resolution": 1,
			"holiday_list": _holiday_list(),
			"condition": 'doc.interaction_type == "Complaint"',
			"priorities": [
				{
					"priority": priority,
					"default_priority": int(priority == "Medium"),
					"response_time": hours * 3600,
					"resolution_time": resolution * 3600,
				}
				for priority, (hours, resolution) in TARGETS.items()
			],
			"support_and_resolution": [
				{"workday": day, "start_time": "09:00:00", "end_time": "18:00:00"} for day in WORKDAYS
			],
			"sla_fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
			"pause_sla_on": [{"status": "On Hold"}],
		}
	)
	sla.insert(ignore_permissions=True)
	# ERPNext caches which doctypes have an agreement; ours must be in that list at once.
	from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
		set_documents_with_active_service_level_agreement,
	)

	set_documents_with_active_service_level_agreement()
	return sla.name


def complaint_sla() -> str | None:
	return frappe.db.get_value(
		"Service Level Agreement", {"service_level": SLA_NAME, "document_type": "Customer Interaction"}
	)


def _holiday_list() -> str:
	"""The default company's holiday list, else a calendar of weekends we keep for the agreement."""
	company = frappe.defaults.get_global_default("company")
	existing = company and frappe.get_cached_value("Company", company, "default_holiday_list")
	if existing:
		return existing
	if not frappe.db.exists("Holiday List", HOLIDAY_LIST):
		year = dt.date.today().year
		holidays = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": HOLIDAY_LIST,
				"from_date": f"{year - 1}-01-01",
				"to_date": f"{year + 2}-12-31",
			}
		)
		for day in ("Saturday", "Sunday"):
			holidays.weekly_off = day
			holidays.get_weekly_off_dates()
		holidays.weekly_off = None
		holidays.insert(ignore_permissions=True)
	return HOLIDAY_LIST


def remove_complaint_sla() -> None:
	"""Uninstall: the agreement and the fields ERPNext added to Customer Interaction go too."""
	for name in frappe.get_all(
		"Service Level Agreement", {"document_type": "Customer Interaction"}, pluck="name"
	):
		frappe.delete_doc("Service Level Agreement", name, ignore_permissions=True, force=True)
	for name in frappe.get_all("Custom Field", {"dt": "Customer Interaction"}, pluck="name"):
		frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	if frappe.db.exists("Holiday List", HOLIDAY_LIST):
		frappe.delete_doc("Holiday List", HOLIDAY_LIST, ignore_permissions=True, force=True)
	if not frappe.db.count("Service Level Agreement"):
		# nothing left to track: leave Support Settings as a site without agreements has it
		frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 0)


WARN_BEFORE = dt.timedelta(hours=1)


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
		target = _("first response") if c.agreement_status == "First Response Due" else _("resolution")
		subject = (
			_("Complaint {0} ({1}) missed its {2} target of {3}.")
			if stage == "Breached"
			else _("Complaint {0} ({1}) reaches its {2} target at {3}.")
		).format(c.name, c.customer, target, due)
		if managers:
			make_notification_logs(
				{
					"type": "Alert",
					"document_type": "Customer Interaction",
					"document_name": c.name,
					"subject": subject,
					"from_user": "Administrator",
				},
				managers,
			)
		frappe.db.set_value("Customer Interaction", c.name, "escalation_stage", stage, update_modified=False)
		counts[stage] += 1
	return counts


def validate_targets(doc, method=None) -> None:
	"""doc_event (Service Level Agreement validate), for agreements on interactions only:
	ERPNext's own agreements keep ERPNext's rules."""
	if doc.document_type != "Customer Interaction":
		return
	throw_problems(
		check_service_level_targets(
			[(p.idx, p.priority, p.response_time, p.resolution_time) for p in doc.priorities]
		)
	)
