"""The roll-out method on a real site: phases, gates, sponsor rule, backlog, risks,
migration control totals, adoption and health."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests.integration import factories

SPONSOR = "impl.manager@crm-pack.test"


def new_project(**values):
	cust = values.pop("customer", None) or factories.customer()
	return frappe.get_doc(
		{
			"doctype": "Implementation Project",
			"project_name": "ERP roll-out",
			"customer": cust,
			"planned_start_date": "2026-01-05",
			"planned_go_live_date": "2026-04-30",
			**values,
		}
	).insert()


def staffed(doc):
	doc.project_manager = "Administrator"
	doc.append("team", {"member_name": "Ms. Li", "project_role": "Executive Sponsor", "user": SPONSOR})
	return doc


def finish_phase(doc, phase_name):
	for item in doc.gate_items:
		if item.phase_name == phase_name:
			item.done = 1
	for p in doc.phases:
		if p.phase_name == phase_name:
			p.status = "Completed"


def test_new_project_starts_from_its_method():
	doc = new_project()
	assert [p.phase_name for p in doc.phases][0] == "Requirements Analysis"
	assert len(doc.phases) == 6 and str(doc.phases[-1].planned_end_date) == "2026-04-30"
	assert doc.current_phase == "Requirements Analysis"
	assert {i.phase_name for i in doc.gate_items} == {p.phase_name for p in doc.phases}
	assert len(doc.risks) == 21
	assert {r.category for r in doc.risks} == {"Management", "Business", "Technical"}

	course = new_project(method="Scope to Cut-over")
	assert course.phases[0].phase_name == "Scope and Executive Sponsor"


def test_first_phase_needs_sponsor_and_manager():
	doc = new_project()
	finish_phase(doc, "Requirements Analysis")
	doc.current_phase = "System Selection"
	with pytest.raises(
		frappe.ValidationError, match="cannot leave its first phase without an executive sponsor"
	):
		doc.save()
	doc.reload()
	finish_phase(doc, "Requirements Analysis")
	doc.current_phase = "System Selection"
	staffed(doc).save()
	assert frappe.db.get_value("Implementation Project", doc.name, "current_phase") == "System Selection"


def test_phase_completes_only_when_its_checklist_is_done():
	doc = staffed(new_project())
	doc.save()
	doc.phases[0].status = "Completed"
	with pytest.raises(frappe.ValidationError, match="Requirements Analysis cannot be completed"):
		doc.save()
	doc.reload()
	finish_phase(doc, "Requirements Analysis")
	doc.save()
	item = next(i for i in doc.gate_items if i.phase_name == "Requirements Analysis")
	assert item.done_by == "Administrator" and str(item.done_on) == nowdate()


def test_backlog_order_and_scope_change_after_the_baseline():
	doc = staffed(new_project())
	for name, value, constraints in (("Reports", 3, 0), ("Quotes", 5, 2), ("Orders", 5, 1)):
		doc.append(
			"requirements", {"requirement": name, "business_value": value, "constraint_count": constraints}
		)
	doc.save()
	assert [r.requirement for r in doc.requirements] == ["Orders", "Quotes", "Reports"]
	assert [r.priority_rank for r in doc.requirements] == [1, 2, 3]
	assert not any(r.is_scope_change for r in doc.requirements)

	finish_phase(doc, "Requirements Analysis")
	doc.append("requirements", {"requirement": "Loyalty points", "business_value": 4})
	doc.save()
	late = next(r for r in doc.requirements if r.requirement == "Loyalty points")
	assert late.is_scope_change and doc.scope_change_count == 1
	assert "after the baseline" in doc.health_reasons


def test_open_high_risks_lower_health():
	doc = staffed(new_project())
	doc.risks[0].likelihood, doc.risks[0].impact = 4, 5
	doc.save()
	assert doc.open_high_risks == 1
	assert doc.health_score < 100 and "open high risks" in doc.health_reasons


def test_migration_gate_and_sponsor_acceptance():
	cust = factories.customer()
	factories.sales_invoice(cust, 400)
	doc = staffed(new_project(customer=cust))
	doc.append(
		"control_totals", {"measure": "Receivable of a Customer", "reference": cust, "legacy_value": 500}
	)
	doc.append(
		"control_totals", {"measure": "Number of Customers", "legacy_value": frappe.db.count("Customer")}
	)
	for phase in ("Requirements Analysis", "System Selection", "Configuration"):
		finish_phase(doc, phase)
	doc.save()
	assert (doc.control_totals[0].site_value, doc.control_totals[0].difference) == (400, -100)

	finish_phase(doc, "Data Migration")
	with pytest.raises(frappe.ValidationError, match="the legacy system says 500"):
		doc.save()

	doc.reload()
	finish_phase(doc, "Data Migration")
	doc.control_totals[0].accepted = 1
	doc.control_totals[0].accepted_reason = "Legacy invoice credited before cut-over"
	with pytest.raises(frappe.ValidationError, match="Only the executive sponsor"):
		doc.save()

	doc.reload()
	finish_phase(doc, "Data Migration")
	doc.control_totals[0].accepted = 1
	doc.control_totals[0].accepted_reason = "Legacy invoice credited before cut-over"
	frappe.set_user(SPONSOR)
	doc.save()
	assert doc.control_totals[0].accepted_by == SPONSOR


def test_adoption_is_measured_from_what_trained_users_do():
	user = "crm.user@crm-pack.test"
	doc = staffed(new_project())
	doc.append(
		"trainees", {"user": user, "session_title": "CRM basics", "trained_on": add_days(nowdate(), -1)}
	)
	doc.adoption_target_per_week = 2
	doc.save()
	assert doc.adoption_percent == 0

	frappe.set_user(user)
	for _ in range(2):
		interaction = frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": doc.customer,
				"subject": "Call",
				"channel": "Phone",
			}
		).insert()
		interaction.outcome = "Asked for a quote"
		# a live site records every change in Version; test mode skips that unless asked
		interaction.save(ignore_version=False)
	frappe.set_user("Administrator")
	doc.save()
	# 2 created + 2 changed in the first week
	assert doc.trainees[0].documents_per_week == 4
	assert doc.adoption_percent == 100


def test_sales_order_value_and_billing_show_on_the_project():
	cust = factories.customer()
	order = factories.sales_order(cust, 1000)
	doc = new_project(customer=cust, sales_order=order.name)
	assert doc.sales_order_amount == 1000 and doc.sales_order_billed_percent == 0


def test_portfolio_report_lists_projects_worst_health_first():
	from frappe.desk.query_report import run

	from crm_pack.crm_pack.report.implementation_portfolio.implementation_portfolio import execute

	healthy = staffed(new_project(project_name="Healthy"))
	healthy.save()
	risky = staffed(new_project(project_name="Risky"))
	risky.risks[0].likelihood, risky.risks[0].impact = 5, 5
	risky.save()
	_cols, data, _msg, chart = execute({})
	names = [d.name for d in data]
	assert names.index(risky.name) < names.index(healthy.name)
	assert chart["type"] == "bar"

	frappe.set_user("sales.only@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		run("Implementation Portfolio", filters={})


def test_nightly_refresh_measures_without_saving_the_project():
	"""The control totals follow the site overnight, and the project keeps its last
	editor, its modified stamp and its history: no version entry for a measurement."""
	from crm_pack.crm_pack.doctype.implementation_project.implementation_project import (
		refresh_active_projects,
	)

	cust = factories.customer()
	factories.sales_invoice(cust, 400)
	doc = new_project(customer=cust, status="In Progress")
	doc.append(
		"control_totals", {"measure": "Receivable of a Customer", "reference": cust, "legacy_value": 500}
	)
	doc.save()
	assert doc.control_totals[0].site_value == 400
	modified, versions = (
		doc.modified,
		frappe.db.count("Version", {"ref_doctype": doc.doctype, "docname": doc.name}),
	)

	factories.sales_invoice(cust, 100)
	refresh_active_projects(commit=False)

	row = frappe.db.get_value(
		"Implementation Project Control Total", doc.control_totals[0].name, ["site_value", "difference"]
	)
	assert row == (500, 0)
	assert str(frappe.db.get_value(doc.doctype, doc.name, "modified")) == modified
	assert frappe.db.count("Version", {"ref_doctype": doc.doctype, "docname": doc.name}) == versions
	assert frappe.db.get_value(doc.doctype, doc.name, "health_score") is not None


def test_opening_balance_control_total_reads_the_company_up_to_go_live():
	from crm_pack.projects import measures

	company = factories.company()
	before = measures.site_value("Opening Trial Balance (Debit)", company, "2026-04-30")
	assert before == measures.site_value("Opening Trial Balance (Debit)", None, "2026-04-30")
	assert measures.site_value("Opening Trial Balance (Debit)", "No Such Company", "2026-04-30") == 0


def _js_names(source, key):
	"""The names a desk script gives `key`: a string (`key: "x"`) or a list (`key: ["x", …]`)."""
	import re

	single = re.search(rf"\b{key}\s*:\s*\"(\w+)\"", source)
	if single:
		return [single.group(1)]
	listed = re.search(rf"\b{key}\s*:\s*\[([^\]]*)\]", source)
	return re.findall(r"\"(\w+)\"", listed.group(1)) if listed else []


def gantt_bar(name):
	"""What the desk's Gantt view would get for a project: it is a list view, so it asks
	reportview for the list's fields (standard, in-list-view, title, listview add_fields,
	sort field) and draws the bar from field_map.start to field_map.end."""
	from frappe.desk.form.load import getdoctype
	from frappe.desk.reportview import get as reportview_get

	getdoctype("Implementation Project")
	meta = next(d for d in frappe.response.docs if d.name == "Implementation Project")
	calendar_js, list_js = meta.get("__calendar_js") or "", meta.get("__list_js") or ""
	start, end = _js_names(calendar_js, "start")[0], _js_names(calendar_js, "end")[0]
	fields = (
		["name", "owner", "creation", "modified", "modified_by", "docstatus"]
		+ [df.fieldname for df in frappe.get_meta("Implementation Project").fields if df.in_list_view]
		+ ["project_name"]
		+ _js_names(list_js, "add_fields")
		+ [start]
	)
	frappe.local.form_dict = frappe._dict(
		doctype="Implementation Project",
		fields=frappe.as_json(list(dict.fromkeys(f"`tabImplementation Project`.`{f}`" for f in fields))),
		filters=frappe.as_json([["Implementation Project", "name", "=", name]]),
	)
	result = reportview_get()
	row = dict(zip(result["keys"], result["values"][0], strict=True))
	return str(row[start]), str(row[end]), (start, end)


def test_gantt_draws_each_project_from_start_to_go_live():
	doc = staffed(new_project(planned_start_date="2026-02-02", planned_go_live_date="2026-06-30"))
	assert gantt_bar(doc.name)[:2] == ("2026-02-02", "2026-06-30")

	# once the project has really started / gone live, the bar shows what happened
	doc.actual_start_date = "2026-02-09"
	doc.save()
	assert gantt_bar(doc.name)[:2] == ("2026-02-09", "2026-06-30")
	doc.actual_go_live_date = "2026-07-06"
	doc.save()
	assert gantt_bar(doc.name)[:2] == ("2026-02-09", "2026-07-06")


def test_dragging_a_gantt_bar_moves_the_plan():
	"""The Gantt writes the field_map's fields with frappe.client.set_value when a bar is dragged."""
	from frappe.client import set_value

	doc = new_project(planned_start_date="2026-02-02", planned_go_live_date="2026-06-30")
	start, end = gantt_bar(doc.name)[2]
	set_value("Implementation Project", doc.name, {start: "2026-03-02", end: "2026-07-31"})
	plan = frappe.db.get_value(
		"Implementation Project", doc.name, ["planned_start_date", "planned_go_live_date"], as_dict=True
	)
	assert (str(plan.planned_start_date), str(plan.planned_go_live_date)) == ("2026-03-02", "2026-07-31")
	assert gantt_bar(doc.name)[:2] == ("2026-03-02", "2026-07-31")


def test_new_phases_are_not_started_and_the_project_is_planning():
	doc = new_project()
	assert {p.status for p in doc.phases} == {"Not Started"}
	assert (doc.status, doc.current_phase, doc.actual_start_date) == (
		"Planning",
		"Requirements Analysis",
		None,
	)
	doc.append("phases", {"phase_name": "Hypercare"})
	doc.save()
	assert doc.phases[-1].status == "Not Started"


def test_the_project_moves_with_its_phases():
	doc = staffed(new_project())
	doc.phases[0].status = "In Progress"
	doc.save()
	stored = frappe.db.get_value(
		"Implementation Project", doc.name, ["status", "current_phase", "actual_start_date"], as_dict=True
	)
	assert (stored.status, stored.current_phase, str(stored.actual_start_date)) == (
		"In Progress",
		"Requirements Analysis",
		nowdate(),
	)

	finish_phase(doc, "Requirements Analysis")
	doc.phases[1].status = "In Progress"
	doc.save()
	assert (doc.current_phase, doc.status) == ("System Selection", "In Progress")
	assert (
		str(doc.phases[0].actual_end_date) == nowdate() and str(doc.phases[1].actual_start_date) == nowdate()
	)
	assert doc.actual_go_live_date is None


def test_completing_the_go_live_phase_is_the_go_live():
	doc = staffed(new_project())
	for phase in ("Requirements Analysis", "System Selection", "Configuration", "Data Migration", "Training"):
		finish_phase(doc, phase)
	doc.phases[0].actual_start_date = "2026-01-05"
	doc.save()
	assert (doc.current_phase, doc.status, doc.actual_go_live_date) == ("Go-live", "In Progress", None)
	assert str(doc.actual_start_date) == "2026-01-05"

	finish_phase(doc, "Go-live")
	doc.save()
	stored = frappe.db.get_value(
		"Implementation Project", doc.name, ["status", "actual_go_live_date"], as_dict=True
	)
	assert (stored.status, str(stored.actual_go_live_date)) == ("Live", nowdate())
	doc.status = "Completed"  # closing the project is the manager's call, and it stays
	doc.save()
	assert frappe.db.get_value("Implementation Project", doc.name, "status") == "Completed"


def test_seeded_risk_register_ranks_the_risks():
	doc = new_project()
	ranked = frappe.get_all(
		"Implementation Project Risk",
		filters={"parent": doc.name, "parenttype": "Implementation Project"},
		fields=["risk", "risk_score"],
		order_by="risk_score desc, idx asc",
	)
	assert len({r.risk_score for r in ranked}) >= 5
	assert ranked[0].risk_score > ranked[-1].risk_score
	assert "Top management does not fully support the project or the change" in {r.risk for r in ranked[:3]}
	assert doc.open_high_risks == 0  # the checklist is a start, the manager assesses


def test_moving_the_card_on_the_phase_board_starts_that_phase():
	"""The phase Kanban sets the current phase and saves: the phase starts, the project follows."""
	doc = staffed(new_project())
	finish_phase(doc, "Requirements Analysis")
	doc.save()
	doc.current_phase = "Configuration"
	doc.save()
	stored = frappe.get_doc("Implementation Project", doc.name)
	phase = next(p for p in stored.phases if p.phase_name == "Configuration")
	assert (stored.current_phase, stored.status, phase.status) == (
		"Configuration",
		"In Progress",
		"In Progress",
	)
	with pytest.raises(frappe.ValidationError):
		stored.current_phase = "No such phase"
		stored.save()


def test_existing_projects_catch_up_with_phases_and_ranked_risks():
	from crm_pack.patches.v0_1 import project_phases_and_risk_seeds

	doc = new_project()
	phase, risk = (
		frappe.qb.DocType("Implementation Project Phase"),
		frappe.qb.DocType("Implementation Project Risk"),
	)
	frappe.qb.update(phase).set(phase.status, "").where(phase.parent == doc.name).run()
	frappe.qb.update(risk).set(risk.likelihood, 3).set(risk.impact, 3).set(risk.risk_score, 9).where(
		risk.parent == doc.name
	).run()
	frappe.db.set_value("Implementation Project", doc.name, "status", "Live", update_modified=False)
	frappe.db.set_value(doc.phases[0].doctype, doc.phases[0].name, "status", "In Progress")
	frappe.db.set_value(doc.doctype, doc.name, {"gantt_start_date": None, "gantt_end_date": None})
	project_phases_and_risk_seeds.execute()

	doc.reload()
	assert [p.status for p in doc.phases][:2] == ["In Progress", "Not Started"]
	assert (doc.status, doc.current_phase) == ("In Progress", "Requirements Analysis")
	assert doc.actual_start_date is None  # the day it started is not known, and not today
	assert len({r.risk_score for r in doc.risks}) >= 5
	assert (str(doc.gantt_start_date), str(doc.gantt_end_date)) == ("2026-01-05", "2026-04-30")


def test_a_running_project_entered_in_its_phase_starts_there():
	doc = new_project(
		current_phase="Configuration", project_manager="Administrator", executive_sponsor="Ms. Li"
	)
	assert (doc.current_phase, doc.status) == ("Configuration", "In Progress")
	assert next(p.status for p in doc.phases if p.phase_name == "Configuration") == "In Progress"
