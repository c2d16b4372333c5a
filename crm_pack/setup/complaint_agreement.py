"""The default complaint agreement, a CRM Service Level made once on install. It is a
record the business edits (CRM Pack → CRM Service Level), so an existing one is never
overwritten; its table goes with crm_pack's doctypes on uninstall.

The holidays come from ERPNext's Holiday List (Setup module, not the deprecated Support
module): the default company's, else a calendar of weekends crm_pack makes and removes."""

import datetime as dt

import frappe
from frappe import _

from crm_pack.interactions.service_levels import SLA_NAME

HOLIDAY_LIST = "CRM Pack Service Calendar"
# priority: (response hours, resolution hours) — "reply within 24 hours", not "reply quickly"
TARGETS = {"High": (4, 24), "Medium": (24, 72), "Low": (48, 120)}
WORKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def ensure_complaint_sla() -> str | None:
	"""Creates the default complaint agreement once; existing ones are left as the business set them."""
	if frappe.db.count("CRM Service Level"):
		return None
	sla = frappe.get_doc(
		{
			"doctype": "CRM Service Level",
			"service_level_name": SLA_NAME,
			"description": _("Response and resolution targets for customer complaints."),
			"enabled": 1,
			"default_priority": "Medium",
			"apply_sla_for_resolution": 1,
			"holiday_list": _holiday_list(),
			"condition": 'doc.interaction_type == "Complaint"',
			"priorities": [
				{"priority": priority, "response_time": hours * 3600, "resolution_time": resolution * 3600}
				for priority, (hours, resolution) in TARGETS.items()
			],
			"working_hours": [
				{"workday": day, "start_time": "09:00:00", "end_time": "18:00:00"} for day in WORKDAYS
			],
			"fulfilled_on": [{"status": "Resolved"}, {"status": "Closed"}],
			"pause_on": [{"status": "On Hold"}],
		}
	)
	sla.insert(ignore_permissions=True)
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
	"""Uninstall: the calendar crm_pack made (the agreements go with crm_pack's tables)."""
	if frappe.db.exists("Holiday List", HOLIDAY_LIST):
		frappe.delete_doc(
			"Holiday List", HOLIDAY_LIST, ignore_permissions=True, force=True, delete_permanently=True
		)
