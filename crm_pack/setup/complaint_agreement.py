"""The default complaint agreement on ERPNext's Service Level Agreement engine, made
once on install and removed on uninstall. It is a record the business edits (Support
→ Service Level Agreement), so an existing one is never overwritten.

Support Settings is left as it is: its tracking switch is site-wide (ERPNext's Issue
too), and complaints get the engine either way (interactions/sla_engine.py)."""

import datetime as dt

import frappe
from frappe import _

from crm_pack.interactions import sla_engine
from crm_pack.interactions.service_levels import SLA_NAME

HOLIDAY_LIST = "CRM Pack Service Calendar"
# priority: (response hours, resolution hours) — "reply within 24 hours", not "reply quickly"
TARGETS = {"High": (4, 24), "Medium": (24, 72), "Low": (48, 120)}
WORKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
# marks the Issue Priorities crm_pack made (a set-up site has ERPNext's own), so uninstall
# removes only those
OWN_PRIORITY = "Added by CRM Pack for complaint service levels; removed when CRM Pack is uninstalled."


def ensure_complaint_sla() -> str | None:
	"""Creates the default complaint agreement once; an existing one is left as the business set it."""
	if frappe.db.exists("Service Level Agreement", {"document_type": "Customer Interaction"}):
		return None
	for priority in TARGETS:
		if not frappe.db.exists("Issue Priority", priority):
			frappe.get_doc(
				{"doctype": "Issue Priority", "name": priority, "description": OWN_PRIORITY}
			).insert(ignore_permissions=True)
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
	sla_engine.refresh_agreement_doctypes()
	return sla.name


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
		frappe.delete_doc(
			"Service Level Agreement", name, ignore_permissions=True, force=True, delete_permanently=True
		)
	for name in frappe.get_all("Custom Field", {"dt": "Customer Interaction"}, pluck="name"):
		frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True, delete_permanently=True)
	if frappe.db.exists("Holiday List", HOLIDAY_LIST):
		frappe.delete_doc(
			"Holiday List", HOLIDAY_LIST, ignore_permissions=True, force=True, delete_permanently=True
		)
	for name in frappe.get_all("Issue Priority", {"description": OWN_PRIORITY}, pluck="name"):
		try:
			frappe.delete_doc("Issue Priority", name, ignore_permissions=True, delete_permanently=True)
		except frappe.LinkExistsError:
			pass  # an Issue or another agreement uses it now: it is the business's
	sla_engine.refresh_agreement_doctypes()
