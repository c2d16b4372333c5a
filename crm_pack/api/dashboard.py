"""Number cards of the CRM workspace whose filters are computed (today, this week).

Each method is a "Custom" Number Card method: it takes the card's filters, checks the
user may read Customer Interaction, counts through `frappe.get_list` (so user
permissions and sharing apply) and returns the number with the list route a click
on the card opens.
"""

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, get_first_day_of_week, getdate, now_datetime, nowdate

from crm_pack.compat import aggregate

DOCTYPE = "Customer Interaction"
# frappe compares an empty date as 0001-01-01, so "< today" alone would count interactions
# without a follow-up; a range from this date on leaves them out (in the list view too)
EARLIEST = "1900-01-01"


def _check_read() -> None:
	if not frappe.has_permission(DOCTYPE, "read"):
		frappe.throw(_("You are not permitted to read {0}.").format(_(DOCTYPE)), frappe.PermissionError)


def _card(value: int, route_options: dict) -> dict:
	return {
		"value": value,
		"fieldtype": "Int",
		"route": ["List", DOCTYPE, "List"],
		"route_options": route_options,
	}


@frappe.whitelist()
def overdue_follow_ups(filters: str | dict | list | None = None) -> dict:
	"""Interactions whose follow-up date has passed and whose follow-up is not done."""
	_check_read()
	overdue = ["between", [EARLIEST, add_days(nowdate(), -1)]]
	filters = [[DOCTYPE, "follow_up_date", *overdue], [DOCTYPE, "follow_up_done", "=", 0]]
	count = frappe.get_list(DOCTYPE, filters=filters, fields=[aggregate("count", "name", "n")])[0].n
	return _card(count, {"follow_up_done": 0, "follow_up_date": overdue})


def breaches_between(start, end) -> list[str]:
	"""Interactions whose service-level target fell between start and end without being met:
	the first response came late (or not at all), or the resolution did."""
	failed = [DOCTYPE, "agreement_status", "=", "Failed"]
	response_missed = frappe.get_list(
		DOCTYPE,
		filters=[failed, [DOCTYPE, "response_by", "between", [start, end]]],
		fields=["name", "response_by", "first_responded_on"],
	)
	resolution_missed = frappe.get_list(
		DOCTYPE,
		filters=[failed, [DOCTYPE, "sla_resolution_by", "between", [start, end]]],
		fields=["name", "sla_resolution_by", "sla_resolution_date"],
	)
	names = {
		row.name
		for row in response_missed
		if not row.first_responded_on or get_datetime(row.first_responded_on) > get_datetime(row.response_by)
	}
	names |= {
		row.name
		for row in resolution_missed
		if not row.sla_resolution_date
		or get_datetime(row.sla_resolution_date) > get_datetime(row.sla_resolution_by)
	}
	return sorted(names)


@frappe.whitelist()
def sla_breaches_this_week(filters: str | dict | list | None = None) -> dict:
	"""Complaints whose response or resolution target was missed this week (up to now)."""
	_check_read()
	week_start = get_datetime(get_first_day_of_week(getdate(nowdate())))
	names = breaches_between(week_start, now_datetime())
	# a click lists exactly the interactions counted ("" matches none when there are none)
	return _card(len(names), {"agreement_status": "Failed", "name": ["in", names or [""]]})


# --- the analytics cards: counted once the analytics have run, explained before ---------

CRM_CUSTOMER = "CRM Customer"


def _analytics_card(card: str) -> dict | str:
	"""The card's own filters (its JSON) counted for this user."""
	if not frappe.has_permission(CRM_CUSTOMER, "read"):
		frappe.throw(_("You are not permitted to read {0}.").format(_(CRM_CUSTOMER)), frappe.PermissionError)
	from crm_pack.analytics.report_state import not_run_yet_message

	if not_run_yet_message():
		# a zero here would say "none"; before the first run nobody is scored yet
		return '<span class="text-muted crm-not-computed" style="font-size: var(--text-md); font-weight: normal;">{}</span>'.format(
			frappe.utils.escape_html(_("Not computed yet"))
		)
	filters = [f[:4] for f in frappe.parse_json(frappe.get_cached_value("Number Card", card, "filters_json"))]
	count = frappe.get_list(CRM_CUSTOMER, filters=filters, fields=[aggregate("count", "name", "n")])[0].n
	return {
		"value": count,
		"fieldtype": "Int",
		"route": ["List", CRM_CUSTOMER, "List"],
		"route_options": {f[1]: [f[2], f[3]] if f[2] == "is" else f[3] for f in filters},
	}


@frappe.whitelist()
def a_customers_without_owner(filters: str | dict | list | None = None) -> dict | str:
	"""A-tier customers nobody owns (the tier comes from the analytics run)."""
	return _analytics_card("A Customers without Owner")


@frappe.whitelist()
def customers_at_churn_risk(filters: str | dict | list | None = None) -> dict | str:
	"""Customers the analytics scored at high churn risk."""
	return _analytics_card("Customers at Churn Risk")
