"""When a project may move on: phase gates, the sponsor rule and the migration gate."""

from dataclasses import dataclass

from crm_pack.problems import Label, Problem, _

ZERO = 0.005


@dataclass
class Phase:
	idx: int
	name: str
	status: str


@dataclass
class ControlTotal:
	idx: int
	measure: str
	reference: str | None
	legacy_value: float
	site_value: float | None
	accepted: bool
	accepted_reason: str | None


def started_beyond_first_phase(phases: list[Phase], current_phase: str | None) -> bool:
	if not phases:
		return False
	first, rest = phases[0], phases[1:]
	return (
		first.status == "Completed"
		or any(p.status != "Not Started" for p in rest)
		or bool(current_phase and current_phase != first.name)
	)


def check_sponsor_and_manager(
	phases: list[Phase], current_phase: str | None, has_sponsor: bool, has_manager: bool
) -> list[Problem]:
	"""Sponsor support is the first success factor: no project leaves its first phase without one."""
	if not started_beyond_first_phase(phases, current_phase):
		return []
	if has_sponsor and has_manager:
		return []
	if not (has_sponsor or has_manager):
		missing = Label(_("an executive sponsor and a project manager"))
	else:
		missing = Label(_("a project manager") if has_sponsor else _("an executive sponsor"))
	return [
		Problem(
			"team",
			_(
				"The project cannot leave its first phase without {0}. Add them to the team (or the header) first."
			),
			(missing,),
		)
	]


def check_phase_gates(phases: list[Phase], open_items: dict[str, list[str]]) -> list[Problem]:
	"""A phase is completed only when its checklist is done."""
	problems = []
	for p in phases:
		if p.status == "Completed" and open_items.get(p.name):
			problems.append(
				Problem(
					"phases",
					_("Phase {0} cannot be completed: its checklist still has {1}."),
					(p.name, "; ".join(open_items[p.name])),
					("Phases", p.idx),
				)
			)
	return problems


def difference(total: ControlTotal) -> float | None:
	if total.site_value is None:
		return None
	return round(total.site_value - total.legacy_value, 2)


def check_control_totals(totals: list[ControlTotal], migration_completing: bool) -> list[Problem]:
	"""The data-migration phase completes only when every control total matches what the
	site now holds, or the sponsor accepted the difference with a reason."""
	problems = []
	for t in totals:
		if t.accepted and not (t.accepted_reason or "").strip():
			problems.append(
				Problem(
					"control_totals",
					_("An accepted difference needs its reason."),
					(),
					("Control Totals", t.idx),
				)
			)
	if not migration_completing:
		return problems
	for t in totals:
		diff = difference(t)
		if t.accepted or (diff is not None and abs(diff) < ZERO):
			continue
		problems.append(
			Problem(
				"control_totals",
				_(
					"{0} {1}: the legacy system says {2}, the site holds {3}. Fix the data or have the sponsor accept the difference with a reason."
				),
				(t.measure, t.reference or "", t.legacy_value, "?" if t.site_value is None else t.site_value),
				("Control Totals", t.idx),
			)
		)
	return problems
