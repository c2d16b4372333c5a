"""The one door to ERPNext's Service Level Agreement engine (erpnext.support).

ERPNext v16 deprecates the Support module and v17 removes it, so every import from
erpnext.support lives here: when it goes, this module is what changes.

ERPNext runs its engine (`apply`, a validate hook on every doctype) only while Support
Settings' "Track Service Level Agreement" is on, and that switch is site-wide: turning
it on for complaints would start SLAs on ERPNext's Issue too. crm_pack leaves the switch
as the business set it and, for Customer Interaction only:

- tracking on: ERPNext's own hook processes the interaction; crm_pack does nothing, so
  nothing is processed twice;
- tracking off: ERPNext's hook finds no agreement and clears the interaction's agreement,
  response_by and sla_resolution_by. `remember` (from validate, before ERPNext's hook)
  keeps them and `apply` (from before_save, after every validate hook) puts them back and
  runs ERPNext's `process_sla` with the agreement ERPNext would have chosen.

Everything else in the engine already serves Customer Interaction whatever the switch
says: the reply handling on Communication (`on_communication_update`), the hourly expiry
of agreements (`check_agreement_status`) and the form's SLA indicators (boot's
`service_level_agreement_doctypes`). The form's priority and agreement pickers, which
ERPNext filters only while tracking is on, are filtered by `agreement_choices`.
"""

import frappe

DOCTYPE = "Customer Interaction"
TRACKING = ("Support Settings", "track_service_level_agreement")
# what ERPNext's remove_sla_if_applied clears when it finds no agreement
CLEARED = ("service_level_agreement", "response_by", "sla_resolution_by")


def tracking_on() -> bool:
	return bool(frappe.db.get_single_value(*TRACKING))


def _engine():
	from erpnext.support.doctype.service_level_agreement import service_level_agreement

	return service_level_agreement


def _engine_runs_here(doc) -> bool:
	"""What ERPNext's `apply` checks first, less the tracking switch."""
	flags = frappe.local.flags
	return not (
		flags.in_patch
		or flags.in_migrate
		or flags.in_install
		or flags.in_setup_wizard
		or not doc.meta.has_field("service_level_agreement")
		or doc.doctype not in _engine().get_documents_with_active_service_level_agreement()
	)


def remember(doc) -> None:
	"""validate (before ERPNext's hook): keep what ERPNext clears while tracking is off."""
	if _engine_runs_here(doc) and not tracking_on():
		doc.flags.crm_pack_sla = {f: doc.get(f) for f in CLEARED}


def apply(doc) -> None:
	"""before_save: ERPNext's `apply` for an interaction while tracking is off."""
	kept = doc.flags.pop("crm_pack_sla", None)
	if kept is None or not _engine_runs_here(doc) or tracking_on():
		return
	doc.update(kept)
	engine = _engine()
	sla = active_agreement_for(doc)
	if sla:
		engine.process_sla(doc, sla)
	else:
		engine.remove_sla_if_applied(doc)


def _agreement_filters(doc, customer) -> tuple[list, list]:
	engine = _engine()
	filters = [
		["Service Level Agreement", "document_type", "=", doc.doctype],
		["Service Level Agreement", "enabled", "=", 1],
	]
	if doc.get("priority"):
		filters.append(["Service Level Priority", "priority", "=", doc.get("priority")])
	or_filters = []
	if doc.get("service_level_agreement"):
		or_filters.append(["Service Level Agreement", "name", "=", doc.get("service_level_agreement")])
	if customer:
		entities = [customer, *engine.get_customer_group(customer), *engine.get_customer_territory(customer)]
		or_filters.append(["Service Level Agreement", "entity", "in", entities])
	or_filters.append(["Service Level Agreement", "entity_type", "is", "not set"])
	return filters, or_filters


def active_agreement_for(doc) -> dict | None:
	"""ERPNext's `get_active_service_level_agreement_for`, which answers None while tracking is
	off: the first enabled agreement whose entity and condition fit, else the default one."""
	engine = _engine()
	filters, or_filters = _agreement_filters(doc, doc.get("customer"))
	fields = ["name", "default_priority", "apply_sla_for_resolution", "condition"]
	default = frappe.get_all(
		"Service Level Agreement",
		filters=[*filters, ["Service Level Agreement", "default_service_level_agreement", "=", 1]],
		fields=fields,
	)
	agreements = frappe.get_all(
		"Service Level Agreement",
		filters=[*filters, ["Service Level Agreement", "default_service_level_agreement", "=", 0]],
		or_filters=or_filters,
		fields=fields,
	)
	fitting = [
		a
		for a in agreements
		if not a.condition or frappe.safe_eval(a.condition, None, engine.get_context(doc))
	]
	fitting += default
	return fitting[0] if fitting else None


@frappe.whitelist()
def agreement_choices(name: str, customer: str | None = None) -> dict | None:
	"""The priorities of agreement `name` and the agreements an interaction of `customer` may
	take, for the form's pickers (ERPNext's get_service_level_agreement_filters, which answers
	nothing while tracking is off)."""
	frappe.has_permission(DOCTYPE, "read", throw=True)
	if tracking_on():
		return _engine().get_service_level_agreement_filters(DOCTYPE, name, customer)
	filters = [
		["Service Level Agreement", "document_type", "=", DOCTYPE],
		["Service Level Agreement", "enabled", "=", 1],
	]
	or_filters = [["Service Level Agreement", "default_service_level_agreement", "=", 1]]
	if customer:
		engine = _engine()
		entities = [
			"",
			customer,
			*engine.get_customer_group(customer),
			*engine.get_customer_territory(customer),
		]
		or_filters.append(["Service Level Agreement", "entity", "in", entities])
	return {
		"priority": frappe.get_all("Service Level Priority", filters={"parent": name}, pluck="priority"),
		"service_level_agreements": frappe.get_all(
			"Service Level Agreement", filters=filters, or_filters=or_filters, pluck="name"
		),
	}


def refresh_agreement_doctypes() -> None:
	"""ERPNext caches which doctypes have an agreement (its validate hook skips the rest)."""
	_engine().set_documents_with_active_service_level_agreement()
	_engine().get_sla_doctypes.clear_cache()
