"""The implementation method from the source texts: phase templates with their gate
checklists, and the risk checklists a new project's register starts from.

Two roll-out templates are given by the texts:
* a classic sequence — requirements analysis, system selection, configuration, data
  migration, training, go-live;
* the course method (客户关系管理第13章: 确立项目范围并取得高层领导的支持 → 建立项目实施队伍,
  进行实施前的评估 → 描绘业务蓝图 → 原型测试 → 二次开发和确认 → 系统切换).
Both are phased, never "big bang". Durations are the default share of the schedule.
"""

import datetime as dt
from dataclasses import dataclass

from crm_pack.problems import _

CLASSIC = "Requirements to Go-live"
COURSE = "Scope to Cut-over"


@dataclass(frozen=True)
class PhaseTemplate:
	name: str
	weeks: int
	gate: tuple[str, ...]
	# requirements added after this phase is completed count as scope change
	is_baseline: bool = False
	is_data_migration: bool = False
	# completing it is the go-live: the project's actual go-live date, status Live
	is_go_live: bool = False


TEMPLATES: dict[str, tuple[PhaseTemplate, ...]] = {
	CLASSIC: (
		PhaseTemplate(
			_("Requirements Analysis"),
			3,
			(_("Business goals written and agreed"), _("Requirements prioritised and signed off")),
			is_baseline=True,
		),
		PhaseTemplate(
			_("System Selection"),
			2,
			(_("Options compared against the requirements"), _("Choice approved by the sponsor")),
		),
		PhaseTemplate(
			_("Configuration"),
			4,
			(
				_("Configuration matches the signed-off requirements"),
				_("Key users accepted the configuration"),
			),
		),
		PhaseTemplate(
			_("Data Migration"),
			2,
			(_("Legacy data cleaned"), _("Control totals reconciled")),
			is_data_migration=True,
		),
		PhaseTemplate(_("Training"), 2, (_("Every key user trained"), _("Training material handed over"))),
		PhaseTemplate(
			_("Go-live"),
			1,
			(_("Cut-over plan outside the busiest business period"), _("Support owner after go-live named")),
			is_go_live=True,
		),
	),
	COURSE: (
		PhaseTemplate(
			_("Scope and Executive Sponsor"),
			2,
			(_("Project scope written"), _("Executive sponsor committed")),
		),
		PhaseTemplate(
			_("Team and Readiness Assessment"),
			2,
			(_("Project team with business members formed"), _("Readiness assessment done")),
		),
		PhaseTemplate(
			_("Business Blueprint"),
			3,
			(_("Core processes described"), _("Blueprint signed off")),
			is_baseline=True,
		),
		PhaseTemplate(
			_("Prototype Test"), 2, (_("Prototype tested with key users"), _("Integration tested"))
		),
		PhaseTemplate(_("Customisation"), 4, (_("Customisations confirmed against the blueprint"),)),
		PhaseTemplate(
			_("Cut-over"),
			2,
			(_("Control totals reconciled"), _("Switch from the old front-office system done")),
			is_data_migration=True,
			is_go_live=True,
		),
	),
}

# From the texts' checklist of implementation risks (CRM实施方案 篇十): 11 management,
# 4 business and 6 technical questions, each phrased as the risk to watch, with the
# likelihood and impact (1-5) a new register starts from, read from what the text says
# of each: management is "the first factor of success or failure" and top management's
# support comes first; redefining and growing scope is "one of the biggest risks of the
# whole project"; unclear core processes undermine "the basis of all the work"; a failed
# cut-over "is not recovered in a day or two"; without upkeep the system "slowly goes
# unused". Seeds stay below the high-risk mark (15): what is high on this project is the
# manager's assessment, not the checklist's.
RISK_CHECKLIST: dict[str, tuple[tuple[str, int, int], ...]] = {
	"Management": (
		(_("Top management does not fully support the project or the change"), 3, 4),
		(_("No suitable project manager or internal project team"), 2, 4),
		(_("Project team lacks members from the main business departments"), 3, 3),
		(_("Related departments do not support the project team"), 2, 3),
		(_("Team members do not understand CRM or the internal processes"), 3, 2),
		(_("No clear schedule, no buffer and no fallback plan"), 3, 3),
		(_("No decision makers named for business, technical and overall questions"), 3, 3),
		(_("No sensible plan for training, cut-over and roll-out"), 2, 5),
		(_("No maintenance and continuous improvement after go-live"), 4, 3),
		(_("The implementer's team lacks ability or resources"), 2, 3),
		(_("No success measures set for the implementation"), 3, 2),
	),
	"Business": (
		(_("Scope redefined and growing again and again"), 4, 3),
		(_("Core business processes are unclear"), 2, 5),
		(_("Expecting too much consulting from the vendor"), 3, 2),
		(_("No mechanism to collect and refine business requirements"), 2, 2),
	),
	"Technical": (
		(_("The technology is immature or does not fit real needs"), 2, 4),
		(_("The solution is unproven: no reference case and no real test"), 2, 3),
		(_("Integration design not feasible or not tested"), 3, 3),
		(_("Network, bandwidth or hardware not ready on time"), 2, 2),
		(_("Other systems' technical staff not available on time"), 3, 2),
		(_("The implementer cannot resolve system problems"), 1, 4),
	),
}


def plan_phases(template: str, start: dt.date, go_live: dt.date | None = None) -> list[dict]:
	"""Phases with planned dates: back to back from `start`, stretched or squeezed to end
	on `go_live` when it is given (each keeps its share of the schedule, at least a day)."""
	phases = TEMPLATES[template]
	total_days = sum(p.weeks for p in phases) * 7
	span = (go_live - start).days + 1 if go_live and go_live >= start else total_days
	rows, cursor, used = [], start, 0
	for i, phase in enumerate(phases):
		used += phase.weeks * 7
		end = start + dt.timedelta(days=round(span * used / total_days) - 1)
		if i == len(phases) - 1 and go_live and go_live >= start:
			end = go_live
		end = max(end, cursor)
		rows.append(
			{
				"phase_name": phase.name,
				"status": "Not Started",
				"planned_start_date": cursor,
				"planned_end_date": end,
			}
		)
		cursor = end + dt.timedelta(days=1)
	return rows


def gate_items(template: str) -> list[dict]:
	return [{"phase_name": p.name, "item": item} for p in TEMPLATES[template] for item in p.gate]


def seed_risks() -> list[dict]:
	return [
		{"risk": risk, "category": category, "likelihood": likelihood, "impact": impact, "status": "Open"}
		for category, risks in RISK_CHECKLIST.items()
		for risk, likelihood, impact in risks
	]


def phase_template(template: str | None, phase_name: str) -> PhaseTemplate | None:
	return next((p for p in TEMPLATES.get(template or "", ()) if p.name == phase_name), None)
