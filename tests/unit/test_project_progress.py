"""A project moves with its phases (no site needed)."""

import datetime as dt

from crm_pack.projects.rules import method, progress
from crm_pack.projects.rules.health import HIGH_RISK_SCORE
from crm_pack.projects.rules.progress import PhaseState

TODAY = dt.date(2026, 3, 2)


def plan(*statuses):
	names = ["Requirements Analysis", "System Selection", "Configuration", "Go-live"]
	return [
		PhaseState(name, status, is_go_live=name == "Go-live")
		for name, status in zip(names, statuses, strict=True)
	]


def follow(phases, status="Planning", start=None, go_live=None):
	return progress.follow_phases(phases, status, start, go_live, TODAY)


def test_nothing_started_is_planning_on_the_first_phase():
	phases = plan(None, None, None, None)
	result = follow(phases)
	assert [p.status for p in phases] == ["Not Started"] * 4
	assert (result.current_phase, result.status, result.actual_start) == (
		"Requirements Analysis",
		"Planning",
		None,
	)


def test_completing_phase_one_and_starting_phase_two_moves_the_project():
	phases = plan("Completed", "In Progress", "Not Started", "Not Started")
	phases[0].actual_start = dt.date(2026, 1, 5)
	result = follow(phases)
	assert result.current_phase == "System Selection"
	assert result.status == "In Progress"
	assert result.actual_start == dt.date(2026, 1, 5)
	assert phases[0].actual_end == TODAY and phases[1].actual_start == TODAY
	assert result.actual_go_live is None


def test_current_phase_is_the_first_not_completed_when_none_is_in_progress():
	result = follow(plan("Completed", "Completed", "Not Started", "Not Started"))
	assert (result.current_phase, result.status) == ("Configuration", "In Progress")


def test_completing_the_go_live_phase_is_the_go_live():
	phases = plan("Completed", "Completed", "Completed", "Completed")
	phases[3].actual_end = dt.date(2026, 4, 30)
	result = follow(phases, status="In Progress", start=dt.date(2026, 1, 5))
	assert (result.status, result.actual_go_live) == ("Live", dt.date(2026, 4, 30))
	assert result.current_phase == "Go-live"


def test_a_persons_status_stays():
	for status in ("On Hold", "Cancelled", "Completed"):
		assert follow(plan("In Progress", None, None, None), status=status).status == status


def test_reopened_go_live_is_no_longer_live():
	result = follow(plan("Completed", "Completed", "Completed", "In Progress"), status="Live")
	assert (result.status, result.current_phase) == ("In Progress", "Go-live")


def test_hand_made_plans_go_live_with_their_last_phase():
	phases = [PhaseState("Pilot", "Completed"), PhaseState("Roll-out", "Completed")]
	assert follow(phases).status == "Live"


def test_both_templates_mark_their_go_live_phase():
	for template in (method.CLASSIC, method.COURSE):
		marked = [p.name for p in method.TEMPLATES[template] if p.is_go_live]
		assert marked == [method.TEMPLATES[template][-1].name]


def test_new_phases_are_not_started():
	rows = method.plan_phases(method.CLASSIC, dt.date(2026, 1, 5))
	assert {r["status"] for r in rows} == {"Not Started"}


def test_seeded_risks_are_ranked_not_all_alike():
	risks = method.seed_risks()
	scores = [r["likelihood"] * r["impact"] for r in risks]
	assert len(set(scores)) >= 5
	assert all(1 <= r["likelihood"] <= 5 and 1 <= r["impact"] <= 5 for r in risks)
	ranked = sorted(risks, key=lambda r: -r["likelihood"] * r["impact"])
	top = {r["risk"] for r in ranked[:3]}
	assert "Top management does not fully support the project or the change" in top
	assert "Scope redefined and growing again and again" in top
	# a checklist is not an assessment: nothing starts as a high risk
	assert max(scores) < HIGH_RISK_SCORE


def test_moving_the_project_to_a_phase_starts_it():
	phases = plan("Completed", "Not Started", "Not Started", "Not Started")
	result = progress.follow_phases(phases, "In Progress", None, None, TODAY, chosen_phase="Configuration")
	assert result.current_phase == "Configuration"
	assert phases[2].status == "In Progress" and phases[2].actual_start == TODAY
	unknown = progress.follow_phases(plan(None, None, None, None), "Planning", None, None, TODAY, "Nope")
	assert unknown.current_phase == "Nope"  # refused by the project checks


def test_catching_up_without_a_day_keeps_unknown_dates_empty():
	phases = plan("In Progress", None, None, None)
	result = progress.follow_phases(phases, "Live", None, None, None)
	assert (result.status, result.actual_start, phases[0].actual_start) == ("In Progress", None, None)
