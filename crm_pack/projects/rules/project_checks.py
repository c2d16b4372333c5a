"""Validation of an Implementation Project: dates in order, scores in range."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from crm_pack.problems import Label, Problem, _

SCORE_MIN, SCORE_MAX = 1, 5
TABLE_LABELS = {
	"phases": Label(_("Phases")),
	"requirements": Label(_("Requirements")),
	"risks": Label(_("Risks")),
	"training_sessions": Label(_("Training Sessions")),
}


@dataclass
class Row:
	"""A child-table row as the rules see it: its table fieldname, position and values."""

	table: str
	idx: int
	values: dict


def _in_order(start, end, fieldname, label_start, label_end, row=None) -> list[Problem]:
	if start and end and end < start:
		return [
			Problem(
				fieldname,
				_("{0} ({1}) is before {2} ({3})."),
				(Label(label_end), end, Label(label_start), start),
				row,
			)
		]
	return []


def _score(value, fieldname, label, row) -> list[Problem]:
	if value is None or not SCORE_MIN <= value <= SCORE_MAX:
		return [
			Problem(
				fieldname, _("{0} must be a whole number from 1 to 5, not {1}."), (Label(label), value), row
			)
		]
	return []


def check_project(
	*,
	planned_start: dt.date | None,
	planned_go_live: dt.date | None,
	actual_start: dt.date | None,
	actual_go_live: dt.date | None,
	rows: Iterable[Row],
	current_phase: str | None,
) -> list[Problem]:
	problems = []
	problems += _in_order(
		planned_start, planned_go_live, "planned_go_live_date", _("Planned Start"), _("Planned Go-live")
	)
	problems += _in_order(
		actual_start, actual_go_live, "actual_go_live_date", _("Actual Start"), _("Actual Go-live")
	)
	phase_names = []
	for r in rows:
		v, where = r.values, (TABLE_LABELS[r.table], r.idx)
		if r.table == "phases":
			phase_names.append(v.get("phase_name"))
			problems += _in_order(
				v.get("planned_start_date"),
				v.get("planned_end_date"),
				r.table,
				_("Planned Start"),
				_("Planned End"),
				where,
			)
			problems += _in_order(
				v.get("actual_start_date"),
				v.get("actual_end_date"),
				r.table,
				_("Actual Start"),
				_("Actual End"),
				where,
			)
			pct = v.get("completion_percent") or 0
			if not 0 <= pct <= 100:
				problems.append(
					Problem(r.table, _("Completion must be between 0% and 100%, not {0}%."), (pct,), where)
				)
		elif r.table == "requirements":
			problems += _score(v.get("business_value"), r.table, _("Business Value"), where)
			if (v.get("constraint_count") or 0) < 0:
				problems.append(Problem(r.table, _("Constraints cannot be negative."), (), where))
		elif r.table == "risks":
			problems += _score(v.get("likelihood"), r.table, _("Likelihood"), where)
			problems += _score(v.get("impact"), r.table, _("Impact"), where)
		elif r.table == "training_sessions":
			if (v.get("attendee_count") or 0) < 0 or (v.get("duration_hours") or 0) < 0:
				problems.append(Problem(r.table, _("Attendees and hours cannot be negative."), (), where))
	if current_phase and phase_names and current_phase not in phase_names:
		problems.append(
			Problem(
				"current_phase",
				_("Current phase {0} is not one of this project's phases: {1}."),
				(current_phase, ", ".join(filter(None, phase_names))),
			)
		)
	return problems


def risk_score(likelihood: int | None, impact: int | None) -> int:
	return (likelihood or 0) * (impact or 0)
