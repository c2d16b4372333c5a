"""Complaint service levels leave ERPNext's Support module (deprecated in v16, removed in
v17): each ERPNext Service Level Agreement for Customer Interaction becomes a CRM Service
Level with the same targets, working hours, holidays, statuses, customer and condition,
and the interactions point at it. Their clocks (response_by, sla_resolution_by,
agreement_status, first_responded_on, on_hold_since, total_hold_time, …) are not touched:
they are the same columns, now crm_pack's standard fields (service_level_fields_own), and
crm_pack's rules compute what ERPNext's did, so the next save moves none of them.

Then what crm_pack had made in the Support module goes: those agreements and the Issue
Priorities it added (marked in their description) unless an Issue or another agreement
uses them. ERPNext's own agreements (for Issue) stay.

This patch, and a differential test, are the only places crm_pack reads the Support
module, and only where its tables still exist: on a site without them there is nothing
to move."""

import frappe
from frappe.query_builder import DocType

DOCTYPE = "Customer Interaction"
PRIORITIES = ("High", "Medium", "Low")
AGREEMENT_FIELDS = [
	"service_level",
	"enabled",
	"default_service_level_agreement",
	"holiday_list",
	"default_priority",
	"apply_sla_for_resolution",
	"entity_type",
	"entity",
	"condition",
]
OWN_PRIORITY = "Added by CRM Pack for complaint service levels; removed when CRM Pack is uninstalled."


def execute():
	if not (
		frappe.db.table_exists("Service Level Agreement")
		and frappe.db.exists("DocType", "Service Level Agreement")
	):
		return
	names = frappe.get_all(
		"Service Level Agreement", {"document_type": DOCTYPE}, pluck="name", order_by="creation"
	)
	for name in names:
		_move(name)
	interactions = DocType(DOCTYPE)
	# ERPNext's field defaulted to "First Response Due" on every interaction; without an
	# agreement there is no clock to be due
	frappe.qb.update(interactions).set(interactions.agreement_status, None).where(
		interactions.service_level_agreement.isnull() | (interactions.service_level_agreement == "")
	).run()
	for name in names:
		frappe.delete_doc(
			"Service Level Agreement", name, ignore_permissions=True, force=True, delete_permanently=True
		)
	_remove_own_priorities()
	_forget_cached_agreement_doctypes()
	frappe.clear_cache(doctype=DOCTYPE)


def _rows(doctype: str, parent: str, fields: list[str]) -> list:
	return frappe.get_all(
		doctype, {"parent": parent, "parenttype": "Service Level Agreement"}, fields, order_by="idx"
	)


def _move(name: str) -> None:
	old = frappe.db.get_value("Service Level Agreement", name, AGREEMENT_FIELDS, as_dict=True)
	targets = _rows(
		"Service Level Priority", name, ["priority", "response_time", "resolution_time", "default_priority"]
	)
	kept = [t for t in targets if t.priority in PRIORITIES]
	default = old.default_priority if old.default_priority in PRIORITIES else None
	default = (
		default
		or next((t.priority for t in kept if t.default_priority), None)
		or (kept[0].priority if kept else "Medium")
	)
	values = {
		"service_level_name": old.service_level,
		"enabled": old.enabled,
		"default_service_level": old.default_service_level_agreement,
		"holiday_list": old.holiday_list,
		"default_priority": default,
		"apply_sla_for_resolution": old.apply_sla_for_resolution,
		"entity_type": old.entity_type,
		"entity": old.entity,
		"condition": old.condition,
		"priorities": [
			{"priority": t.priority, "response_time": t.response_time, "resolution_time": t.resolution_time}
			for t in kept
		],
		"working_hours": [
			{"workday": d.workday, "start_time": d.start_time, "end_time": d.end_time}
			for d in _rows("Service Day", name, ["workday", "start_time", "end_time"])
		],
		"pause_on": [{"status": s.status} for s in _rows("Pause SLA On Status", name, ["status"])],
		"fulfilled_on": [{"status": s.status} for s in _rows("SLA Fulfilled On Status", name, ["status"])],
	}
	dropped = [t.priority for t in targets if t.priority not in PRIORITIES]
	if dropped:
		# interactions take High, Medium or Low (Issue Priority is the Support module's)
		print(
			f"crm_pack: service level {old.service_level}: priorities {dropped} not moved (High/Medium/Low only)"
		)
	if frappe.db.exists("CRM Service Level", old.service_level):
		# the install's default made before this patch ran: the business's agreement wins
		new = frappe.get_doc("CRM Service Level", old.service_level)
		for table in ("priorities", "working_hours", "pause_on", "fulfilled_on"):
			new.set(table, [])
		new.update(values)
	else:
		new = frappe.get_doc({"doctype": "CRM Service Level", **values})
	# the business's agreement as it was, even where crm_pack's checks are stricter
	new.flags.ignore_validate = True
	new.flags.ignore_mandatory = True
	new.flags.ignore_links = True
	new.save(ignore_permissions=True) if not new.is_new() else new.insert(ignore_permissions=True)
	interactions = DocType(DOCTYPE)
	frappe.qb.update(interactions).set(interactions.service_level_agreement, new.name).where(
		interactions.service_level_agreement == name
	).run()
	# a priority the agreement cannot take any more: its default (the clock keeps its due times)
	if dropped:
		frappe.qb.update(interactions).set(interactions.priority, default).where(
			(interactions.service_level_agreement == new.name) & interactions.priority.notin(PRIORITIES)
		).run()


def _remove_own_priorities() -> None:
	if not frappe.db.table_exists("Issue Priority"):
		return
	for name in frappe.get_all("Issue Priority", {"description": OWN_PRIORITY}, pluck="name"):
		try:
			frappe.delete_doc("Issue Priority", name, ignore_permissions=True, delete_permanently=True)
		except frappe.LinkExistsError:
			pass  # an Issue or another agreement uses it now: it is the business's


def _forget_cached_agreement_doctypes() -> None:
	"""ERPNext caches which doctypes have an agreement; Customer Interaction has none now."""
	try:
		from erpnext.support.doctype.service_level_agreement import service_level_agreement as engine
	except ImportError:
		return
	engine.set_documents_with_active_service_level_agreement()
	engine.get_sla_doctypes.clear_cache()
