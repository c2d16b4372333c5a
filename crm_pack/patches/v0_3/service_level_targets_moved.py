"""The two apps shared one table while they shared the doctype name "CRM Service Level
Priority": each app's rows go to its own table now (see service_level_targets_renamed).
crm_pack's (parented by CRM Service Level) to "CRM Service Level Target"; Frappe CRM's
(parented by its agreements) back to its "CRM Service Level Priority" where the rename
took them along."""

import frappe

OLD, NEW = "CRM Service Level Priority", "CRM Service Level Target"
PARENT = "CRM Service Level"
FIELDS = [
	"name",
	"parent",
	"parentfield",
	"parenttype",
	"idx",
	"priority",
	"response_time",
	"resolution_time",
]


def execute():
	if not frappe.db.table_exists(OLD) or not frappe.db.table_exists(NEW):
		return
	if frappe.db.get_value("DocType", OLD, "module") == "CRM Pack":
		return
	_move(OLD, NEW, {"parenttype": PARENT})
	_move(NEW, OLD, {"parenttype": ("!=", PARENT)})


def _move(source: str, target: str, filters: dict) -> None:
	fields = [f for f in FIELDS if frappe.db.has_column(source, f) and frappe.db.has_column(target, f)]
	rows = frappe.get_all(source, filters=filters, fields=fields)
	for row in rows:
		if not frappe.db.exists(target, row.name):
			frappe.get_doc({"doctype": target, **row}).db_insert()
	if rows:
		frappe.db.delete(source, filters)
