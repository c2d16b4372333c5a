"""The one door between a Customer Interaction and its service-level clock.

The clock's rules are crm_pack's (rules/service_clock.py, pure); this module reads what
they need, feeds them and writes the clock back onto the interaction:

- the agreement: the first enabled CRM Service Level (newest first) whose customer,
  priority and condition fit, else the default one, as ERPNext chose among its Service
  Level Agreements;
- its targets for the interaction's priority, its working hours, its pause and
  resolved statuses;
- the holidays, from ERPNext's Holiday List (ERPNext's Setup module, which stays).

Until crm_pack 0.2 this module was the door to ERPNext's SLA engine (erpnext.support),
which v16 deprecates and v17 removes; patches/v0_2/own_service_levels moved its
agreements and running clocks over. Nothing here reads the Support module, and the site
switch "Track Service Level Agreement" (Support Settings) no longer concerns complaints.
The clock fields keep the names ERPNext gave them, so reports and old data carry over.
"""

import frappe
from frappe.utils import get_datetime, now_datetime, to_timedelta

from crm_pack.interactions.rules import service_clock

DOCTYPE = "Customer Interaction"
AGREEMENT = "CRM Service Level"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOCK_FIELDS = (
	"first_responded_on",
	"on_hold_since",
	"total_hold_time",
	"sla_resolution_date",
	"response_by",
	"sla_resolution_by",
	"agreement_status",
)


def apply(doc) -> None:
	"""before_save (after every validate hook): choose the agreement, run the clock."""
	flags = frappe.local.flags
	# a migrate or an install saving interactions must not move their clocks (ERPNext's rule)
	if flags.in_patch or flags.in_migrate or flags.in_install:
		return
	sla = active_agreement_for(doc)
	if not sla:
		_remove(doc)
		return
	doc.service_level_agreement = sla.name
	doc.priority = doc.get("priority") or sla.default_priority
	terms = terms_for(sla.name, doc.priority)
	if not terms:
		_remove(doc)
		return
	before = doc.get_doc_before_save()
	clock = service_clock.advance(
		_clock(doc),
		terms,
		previous_status=before.status if before else None,
		status=doc.status,
		# tests and imports set the moment of a change; a live save happens now, in the site's
		# time zone (the one creation and every stored datetime are in)
		now=get_datetime(frappe.flags.current_time) if frappe.flags.current_time else now_datetime(),
		first_reply=bool(doc.flags.on_first_reply),
	)
	doc.update({f: getattr(clock, f) for f in CLOCK_FIELDS})


def _remove(doc) -> None:
	# the due times go with the agreement; what happened (first response, resolution) stays
	for field in ("service_level_agreement", "response_by", "sla_resolution_by", "agreement_status"):
		doc.set(field, None)


def _clock(doc) -> service_clock.Clock:
	def at(field):
		return get_datetime(doc.get(field)) if doc.get(field) else None

	return service_clock.Clock(
		started=at("service_level_agreement_creation") or at("creation") or now_datetime(),
		first_responded_on=at("first_responded_on"),
		on_hold_since=at("on_hold_since"),
		total_hold_time=float(doc.total_hold_time) if doc.get("total_hold_time") is not None else None,
		sla_resolution_date=at("sla_resolution_date"),
		response_by=at("response_by"),
		sla_resolution_by=at("sla_resolution_by"),
		agreement_status=doc.get("agreement_status"),
	)


def terms_for(agreement: str, priority: str) -> service_clock.Terms | None:
	sla = frappe.get_cached_doc(AGREEMENT, agreement)
	target = next((p for p in sla.priorities if p.priority == priority), None)
	if not target:
		return None
	return service_clock.Terms(
		response_seconds=target.response_time or 0,
		resolution_seconds=target.resolution_time or 0,
		hours=working_hours(sla),
		holidays=frozenset(holidays(sla.holiday_list)),
		pause_on=frozenset(r.status for r in sla.pause_on),
		fulfilled_on=frozenset(r.status for r in sla.fulfilled_on),
		for_resolution=bool(sla.apply_sla_for_resolution),
	)


def working_hours(sla) -> dict[int, tuple[float, float]]:
	return {
		WEEKDAYS.index(d.workday): (
			to_timedelta(d.start_time).total_seconds(),
			to_timedelta(d.end_time).total_seconds(),
		)
		for d in sla.working_hours
	}


def holidays(holiday_list: str | None) -> list:
	if not holiday_list:
		return []
	return frappe.get_all(
		"Holiday", filters={"parent": holiday_list, "parenttype": "Holiday List"}, pluck="holiday_date"
	)


def _entities(customer: str | None) -> list[str]:
	"""The customer, its group and territory with their ancestors (an agreement may be for any)."""
	if not customer:
		return []
	from frappe.utils.nestedset import get_ancestors_of

	row = frappe.db.get_value("Customer", customer, ["customer_group", "territory"], as_dict=True)
	found = [customer]
	for doctype, value in (
		("Customer Group", row and row.customer_group),
		("Territory", row and row.territory),
	):
		if value:
			found += [value, *get_ancestors_of(doctype, value)]
	return found


def _context(doc) -> dict:
	from frappe.utils import nowdate
	from frappe.utils.safe_exec import get_safe_globals

	# what a condition could use under ERPNext's engine, so migrated conditions still read
	return {
		"doc": doc.as_dict(),
		"nowdate": nowdate,
		"frappe": frappe._dict(utils=get_safe_globals().get("frappe").get("utils")),
	}


def active_agreement_for(doc) -> frappe._dict | None:
	"""The first enabled agreement (newest first) for the interaction's customer, group or
	territory, or for everyone, that has its priority and whose condition holds; else the
	default agreement. An agreement the interaction already has is kept whatever its customer."""
	agreements = frappe.get_all(
		AGREEMENT,
		filters={"enabled": 1},
		fields=[
			"name",
			"default_service_level",
			"entity_type",
			"entity",
			"condition",
			"default_priority",
			"apply_sla_for_resolution",
		],
		order_by="modified desc",
	)
	if not agreements:
		return None
	if doc.get("priority"):
		with_priority = set(
			frappe.get_all(
				"CRM Service Level Target",
				filters={"parenttype": AGREEMENT, "priority": doc.priority},
				pluck="parent",
			)
		)
		agreements = [a for a in agreements if a.name in with_priority]
	entities = context = None
	fitting = []
	for a in agreements:
		if a.default_service_level:
			continue
		if a.entity_type and a.name != doc.get("service_level_agreement"):
			if entities is None:
				entities = _entities(doc.get("customer"))
			if a.entity not in entities:
				continue
		if a.condition:
			context = context or _context(doc)
			if not frappe.safe_eval(a.condition, None, context):
				continue
		fitting.append(a)
	fitting += [a for a in agreements if a.default_service_level]
	return fitting[0] if fitting else None


@frappe.whitelist()
def agreement_choices(name: str, customer: str | None = None) -> dict:
	"""The priorities of agreement `name` and the agreements an interaction of `customer` may
	take, for the form's pickers."""
	frappe.has_permission(DOCTYPE, "read", throw=True)
	entities = ["", *_entities(customer)]
	agreements = frappe.get_all(
		AGREEMENT,
		filters={"enabled": 1},
		fields=["name", "default_service_level", "entity_type", "entity"],
		order_by="modified desc",
	)
	return {
		"priority": frappe.get_all(
			"CRM Service Level Target", filters={"parent": name, "parenttype": AGREEMENT}, pluck="priority"
		),
		"service_level_agreements": [
			a.name
			for a in agreements
			if a.default_service_level or not a.entity_type or (a.entity or "") in entities
		],
	}
