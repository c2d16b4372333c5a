"""crm_pack's service-level clock against ERPNext's engine, case by case.

Complaints used to run on ERPNext's Service Level Agreement engine (erpnext.support,
deprecated in v16, removed in v17); crm_pack's rules (interactions/rules/service_clock.py)
must give the same due times and marks, so a clock ERPNext started runs on unchanged.
Where ERPNext still has its engine, each case runs twice in the rolled-back transaction:
an interaction under crm_pack's complaint agreement, and an ERPNext Issue under an
ERPNext agreement with the same targets, hours, holidays and statuses; every clock field
must be equal after every step. The due-time rule is also compared on its own over a grid
of start times and targets. This test and the upgrade patch are the only places crm_pack
touches the Support module."""

import datetime as dt

import frappe
import pytest
from frappe.utils import get_datetime, to_timedelta

from crm_pack.interactions import sla_engine
from crm_pack.interactions.rules.service_clock import due
from crm_pack.interactions.service_levels import complaint_sla
from tests.integration import factories

FIELDS = (
	"response_by",
	"sla_resolution_by",
	"first_responded_on",
	"on_hold_since",
	"total_hold_time",
	"sla_resolution_date",
	"agreement_status",
)
FRI = dt.datetime(2026, 11, 20)  # a Friday
HOLIDAY = dt.date(2026, 11, 24)  # the Tuesday after


def at(days: float, hour: int, minute: int = 0) -> dt.datetime:
	return FRI + dt.timedelta(days=days, hours=hour, minutes=minute)


@pytest.fixture(autouse=True)
def erpnext_engine():
	if not frappe.db.exists("DocType", "Service Level Agreement"):
		pytest.skip(
			"ERPNext has no Service Level Agreement here (Support module removed): nothing to compare with"
		)
	from erpnext.support.doctype.service_level_agreement import service_level_agreement

	return service_level_agreement


@pytest.fixture
def agreements(erpnext_engine):
	"""crm_pack's complaint agreement and an ERPNext agreement for Issue on the same terms,
	for one customer; a holiday on the Tuesday after Friday 2026-11-20."""
	ours = frappe.get_doc("CRM Service Level", complaint_sla())
	holiday_list = ours.holiday_list
	hl = frappe.get_doc("Holiday List", holiday_list)
	if HOLIDAY not in {h.holiday_date for h in hl.holidays}:
		hl.append("holidays", {"holiday_date": HOLIDAY, "description": "Differential test holiday"})
		hl.save(ignore_permissions=True)
	frappe.clear_document_cache("Holiday List", holiday_list)
	frappe.db.set_single_value("Support Settings", "track_service_level_agreement", 1)
	for p in ours.priorities:
		if not frappe.db.exists("Issue Priority", p.priority):
			frappe.get_doc({"doctype": "Issue Priority", "name": p.priority}).insert(ignore_permissions=True)
	cust = factories.customer()
	theirs = frappe.get_doc(
		{
			"doctype": "Service Level Agreement",
			"service_level": f"Differential {frappe.generate_hash(length=6)}",
			"document_type": "Issue",
			"enabled": 1,
			"entity_type": "Customer",
			"entity": cust,
			"default_priority": ours.default_priority,
			"apply_sla_for_resolution": ours.apply_sla_for_resolution,
			"holiday_list": holiday_list,
			"priorities": [
				{
					"priority": p.priority,
					"default_priority": int(p.priority == ours.default_priority),
					"response_time": p.response_time,
					"resolution_time": p.resolution_time,
				}
				for p in ours.priorities
			],
			"support_and_resolution": [
				{"workday": d.workday, "start_time": d.start_time, "end_time": d.end_time}
				for d in ours.working_hours
			],
			"pause_sla_on": [{"status": s.status} for s in ours.pause_on],
			"sla_fulfilled_on": [{"status": s.status} for s in ours.fulfilled_on],
		}
	).insert(ignore_permissions=True)
	yield ours, theirs, cust
	frappe.clear_document_cache("Holiday List", holiday_list)
	# ERPNext's caches of which doctypes have agreements are not rolled back with the test
	frappe.cache.delete_value("doctypes_with_active_sla")
	erpnext_engine.get_sla_doctypes.clear_cache()


def test_due_times_equal_erpnext_over_a_grid_of_starts(agreements, erpnext_engine):
	ours, theirs, _cust = agreements
	hours = sla_engine.working_hours(ours)
	holidays = set(sla_engine.holidays(ours.holiday_list))
	assert HOLIDAY in holidays
	rows = [
		frappe._dict(
			workday=d.workday, start_time=to_timedelta(d.start_time), end_time=to_timedelta(d.end_time)
		)
		for d in ours.working_hours
	]
	compared = 0
	start = at(-1, 0, 5)  # Thursday 00:05, then every 2 h 35 min for ten days
	while start < at(9, 0):
		for seconds in (900, 3600, 4 * 3600, 9 * 3600, 24 * 3600, 72 * 3600, 120 * 3600):
			service_level = frappe._dict(
				response_time=seconds, support_and_resolution=rows, holiday_list=ours.holiday_list
			)
			expected = erpnext_engine.get_expected_time_for("response", service_level, start)
			assert due(start, seconds, hours, holidays) == expected, (start, seconds)
			compared += 1
		start += dt.timedelta(hours=2, minutes=35)
	assert compared > 500


# (case, priority, SLA start, [(moment, new status), ...])
CASES = [
	("weekend", "High", at(0, 17), [(at(3, 10), "Replied"), (at(3, 16), "Resolved")]),
	("holiday in the way", "High", at(3, 16), [(at(5, 10), "Replied"), (at(6, 12), "Closed")]),
	("created out of hours", "Medium", at(0, 20, 30), [(at(3, 9, 15), "Replied"), (at(10, 9), "Resolved")]),
	("created on a Sunday", "Low", at(2, 11), [(at(4, 9), "Replied"), (at(17, 9), "Resolved")]),
	(
		"on hold and resumed",
		"High",
		at(0, 17),
		[(at(3, 10), "On Hold"), (at(3, 13, 20), "Open"), (at(5, 11), "Resolved")],
	),
	(
		"on hold before the first response",
		"High",
		at(3, 9),
		[(at(3, 9, 30), "On Hold"), (at(3, 11), "Replied"), (at(3, 14), "On Hold"), (at(6, 10), "Closed")],
	),
	(
		"late response and late resolution",
		"High",
		at(0, 17),
		[(at(3, 15), "Replied"), (at(7, 16), "Resolved")],
	),
	(
		"resolved, reopened, resolved",
		"Medium",
		at(3, 10),
		[(at(3, 11), "Resolved"), (at(4, 9), "Open"), (at(6, 10), "Resolved")],
	),
	("resolved while first response due", "Low", at(3, 10), [(at(3, 12), "Closed")]),
]


def _clock(doc) -> dict:
	out = {}
	for f in FIELDS:
		v = doc.get(f)
		if f == "total_hold_time":
			out[f] = round(float(v or 0), 6)
		elif f == "agreement_status":
			out[f] = v
		else:
			out[f] = get_datetime(v) if v else None
	return out


def _run(doc, start, steps) -> list[dict]:
	"""Insert at the SLA start, then each status change at its moment, as a user would;
	the first reply is the save that leaves Open (the interaction's rule, given to the Issue)."""
	seen = []
	try:
		frappe.flags.current_time = start
		doc.insert(ignore_permissions=True)
		doc.service_level_agreement_creation = start
		doc.save(ignore_permissions=True)
		seen.append(_clock(doc))
		for moment, status in steps:
			frappe.flags.current_time = moment
			before = doc.status
			doc.status = status
			if doc.doctype == "Issue" and before == "Open" and status != "Open":
				doc.flags.on_first_reply = True
			doc.save(ignore_permissions=True)
			doc.flags.on_first_reply = False
			seen.append(_clock(doc))
	finally:
		frappe.flags.current_time = None
	return seen


@pytest.mark.parametrize("case,priority,start,steps", CASES, ids=[c[0] for c in CASES])
def test_clock_equals_erpnext_after_every_step(agreements, case, priority, start, steps):
	ours, theirs, cust = agreements
	interaction = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"subject": f"Differential: {case}",
			"channel": "Email",
			"interaction_type": "Complaint",
			"priority": priority,
		}
	)
	issue = frappe.get_doc(
		{"doctype": "Issue", "subject": f"Differential: {case}", "customer": cust, "priority": priority}
	)
	mine, erpnexts = _run(interaction, start, steps), _run(issue, start, steps)
	assert interaction.service_level_agreement == ours.name
	assert issue.service_level_agreement == theirs.name
	for step, (a, b) in enumerate(zip(mine, erpnexts, strict=True)):
		assert a == b, f"{case}, step {step}: crm_pack {a} != ERPNext {b}"
