"""Existing projects catch up with the phase rules and the ranked risk seeds:

* phase rows saved with a blank status are Not Started;
* seeded risks nobody re-assessed (still the old 3 × 3, text as seeded) take the
  likelihood and impact the checklist now gives them, and their score;
* the Gantt's dates (gantt_start_date, gantt_end_date) are the actual dates, else the plan;
* current phase and status follow the phases, as on the next save; actual dates only
  from the phases' recorded dates (the day a past phase started is not today).

Written without saving the projects: no version, no `modified`, no gate re-checked on
work users did under the old rules.
"""

import frappe
from frappe.utils import getdate

from crm_pack.projects.rules import method, progress
from crm_pack.projects.rules.project_checks import risk_score


def _date(value):
	return getdate(value) if value else None


def execute():
	phase = frappe.qb.DocType("Implementation Project Phase")
	(
		frappe.qb.update(phase)
		.set(phase.status, "Not Started")
		.where(phase.status.isnull() | (phase.status == ""))
		.run()
	)
	risk = frappe.qb.DocType("Implementation Project Risk")
	for category, risks in method.RISK_CHECKLIST.items():
		for text, likelihood, impact in risks:
			(
				frappe.qb.update(risk)
				.set(risk.likelihood, likelihood)
				.set(risk.impact, impact)
				.set(risk.risk_score, risk_score(likelihood, impact))
				.where(
					(risk.risk == text)
					& (risk.category == category)
					& (risk.likelihood == 3)
					& (risk.impact == 3)
				)
				.run()
			)
	for name in frappe.get_all("Implementation Project", pluck="name"):
		doc = frappe.get_doc("Implementation Project", name)
		states = doc.phase_states()
		if not states:
			frappe.db.set_value(
				doc.doctype,
				doc.name,
				{
					"gantt_start_date": doc.actual_start_date or doc.planned_start_date,
					"gantt_end_date": doc.actual_go_live_date or doc.planned_go_live_date,
				},
				update_modified=False,
			)
			continue
		result = progress.follow_phases(
			states, doc.status, _date(doc.actual_start_date), _date(doc.actual_go_live_date), None
		)
		frappe.db.set_value(
			doc.doctype,
			doc.name,
			{
				"current_phase": result.current_phase,
				"status": result.status,
				"actual_start_date": result.actual_start,
				"actual_go_live_date": result.actual_go_live,
				"gantt_start_date": result.actual_start or doc.planned_start_date,
				"gantt_end_date": result.actual_go_live or doc.planned_go_live_date,
			},
			update_modified=False,
		)
