"""Before the doctypes sync: Customer Interaction's service-level fields become standard
fields of crm_pack with the names ERPNext's Service Level Agreement gave the custom fields
it added (priority, response_by, agreement_status, …). Those Custom Field rows go first,
so the sync does not meet two definitions of one field.

Only the rows go (a plain delete, not Custom Field's on_trash): frappe never drops a
column when a field's definition goes, so every interaction's clock stays in its columns
and the standard fields synced next read it. own_service_levels (after the sync) moves
the agreements."""

import frappe

DOCTYPE = "Customer Interaction"
# what erpnext...service_level_agreement.get_service_level_agreement_fields adds
ERPNEXT_FIELDS = (
	"service_level_section",
	"service_level_agreement",
	"priority",
	"response_by",
	"first_responded_on",
	"on_hold_since",
	"total_hold_time",
	"cb",
	"agreement_status",
	"sla_resolution_by",
	"service_level_agreement_creation",
	"sla_resolution_date",
)


def execute():
	frappe.db.delete("Custom Field", {"dt": DOCTYPE, "fieldname": ("in", ERPNEXT_FIELDS)})
	frappe.clear_cache(doctype=DOCTYPE)
