"""Implementation Portfolio: every project the user may read, with its health and why."""

import frappe
from frappe import _

from crm_pack.utils.rendered_texts import render_field
from crm_pack.utils.report_columns import column

FIELDS = (
	"name",
	"project_name",
	"customer",
	"status",
	"current_phase",
	"project_manager",
	"planned_go_live_date",
	"schedule_slip_days",
	"open_high_risks",
	"scope_change_count",
	"adoption_percent",
	"sales_order",
	"sales_order_billed_percent",
	"health_score",
	"health_reasons_codes",
)


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	conditions = {}
	if filters.status:
		conditions["status"] = filters.status
	if filters.customer:
		conditions["customer"] = filters.customer
	if filters.project_manager:
		conditions["project_manager"] = filters.project_manager
	data = frappe.get_list(
		"Implementation Project",
		filters=conditions,
		fields=list(FIELDS),
		order_by="health_score asc, name asc",
	)
	# stored as codes, rendered in the language of whoever runs the report
	render_field(data, "health_reasons_codes", "health_reasons")
	for d in data:
		# seeded phase names are the method's English (a translation key); renamed ones show as typed
		d.current_phase = _(d.current_phase) if d.current_phase else d.current_phase
	chart = {
		"data": {
			"labels": [d.project_name for d in data],
			"datasets": [{"name": _("Health"), "values": [d.health_score or 0 for d in data]}],
		},
		"type": "bar",
	}
	return _columns(), data, None, chart


def _columns():
	return [
		column(_("Project"), "name", "Link", "Implementation Project", 140),
		column(_("Project Name"), "project_name", width=180),
		column(_("Customer"), "customer", "Link", "CRM Customer", 160),
		column(_("Status"), "status", width=100),
		column(_("Current Phase"), "current_phase", width=150),
		column(_("Project Manager"), "project_manager", "Link", "User", 150),
		column(_("Planned Go-live"), "planned_go_live_date", "Date", width=110),
		column(_("Days Behind"), "schedule_slip_days", "Int", width=100),
		column(_("Open High Risks"), "open_high_risks", "Int", width=110),
		column(_("Scope Changes"), "scope_change_count", "Int", width=110),
		column(_("Adoption"), "adoption_percent", "Percent", width=100),
		column(_("Sales Order"), "sales_order", "Link", "Sales Order", 140),
		column(_("Billed"), "sales_order_billed_percent", "Percent", width=90),
		column(_("Health"), "health_score", "Percent", width=90),
		column(_("Why"), "health_reasons", width=300),
	]
