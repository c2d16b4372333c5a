"""The implementation method's rules (no site needed)."""

import datetime as dt

from crm_pack.projects.rules import backlog, gates, health, method


def test_templates_come_from_the_texts():
	assert [p.name for p in method.TEMPLATES[method.CLASSIC]] == [
		"Requirements Analysis",
		"System Selection",
		"Configuration",
		"Data Migration",
		"Training",
		"Go-live",
	]
	assert [p.name for p in method.TEMPLATES[method.COURSE]][2] == "Business Blueprint"
	assert {k: len(v) for k, v in method.RISK_CHECKLIST.items()} == {
		"Management": 11,
		"Business": 4,
		"Technical": 6,
	}
	assert len(method.seed_risks()) == 21


def test_phases_fill_the_schedule_back_to_back():
	start, go_live = dt.date(2026, 1, 1), dt.date(2026, 4, 30)
	rows = method.plan_phases(method.CLASSIC, start, go_live)
	assert rows[0]["planned_start_date"] == start
	assert rows[-1]["planned_end_date"] == go_live
	for before, after in zip(rows, rows[1:], strict=False):
		assert after["planned_start_date"] == before["planned_end_date"] + dt.timedelta(days=1)
	# without a go-live the default durations apply: 14 weeks for the classic method
	rows = method.plan_phases(method.CLASSIC, start)
	assert rows[-1]["planned_end_date"] == start + dt.timedelta(days=14 * 7 - 1)


def phases(*statuses):
	names = ["Scope", "Team", "Blueprint"]
	return [gates.Phase(i + 1, names[i], s) for i, s in enumerate(statuses)]


def test_no_leaving_the_first_phase_without_sponsor_and_manager():
	assert (
		gates.check_sponsor_and_manager(
			phases("In Progress", "Not Started", "Not Started"), "Scope", False, False
		)
		== []
	)
	problems = gates.check_sponsor_and_manager(
		phases("Completed", "In Progress", "Not Started"), "Team", False, True
	)
	assert len(problems) == 1 and problems[0].args == ("an executive sponsor",)
	assert gates.check_sponsor_and_manager(
		phases("In Progress", "Not Started", "Not Started"), "Team", True, False
	)
	assert (
		gates.check_sponsor_and_manager(phases("Completed", "In Progress", "Not Started"), "Team", True, True)
		== []
	)


def test_phase_completes_only_with_its_checklist_done():
	problems = gates.check_phase_gates(
		phases("Completed", "In Progress", "Not Started"), {"Scope": ["Scope written"], "Team": ["x"]}
	)
	assert [(p.row, p.args[0]) for p in problems] == [(("Phases", 1), "Scope")]


def total(legacy, site, accepted=False, reason=None):
	return gates.ControlTotal(1, "Receivable of a Customer", "ACME", legacy, site, accepted, reason)


def test_migration_gate_needs_matching_or_accepted_totals():
	assert gates.check_control_totals([total(100, 100.001)], True) == []
	assert len(gates.check_control_totals([total(100, 90)], True)) == 1
	assert gates.check_control_totals([total(100, 90)], False) == []  # only when the phase completes
	assert gates.check_control_totals([total(100, 90, True, "Legacy rounding")], True) == []
	assert len(gates.check_control_totals([total(100, 90, True, "  ")], False)) == 1  # a reason is required
	assert gates.difference(total(100, 90)) == -10


def test_backlog_most_valuable_first_then_fewest_constraints():
	reqs = [
		backlog.Requirement("a", 3, 0, 1),
		backlog.Requirement("b", 5, 2, 2),
		backlog.Requirement("c", 5, 1, 3),
		backlog.Requirement("d", 5, 1, 4),
	]
	assert backlog.prioritise(reqs) == ["c", "d", "b", "a"]
	assert backlog.is_scope_change(True, True) and not backlog.is_scope_change(True, False)


def test_health_score_and_reasons():
	on_plan = health.assess(health.HealthInputs(0, 90, 0, 10, 0, None))
	assert (on_plan.score, on_plan.reasons) == (100, [])
	# 30 days late on a 90-day plan: 35 × min(1, 30 / 22.5) = 35; 2 high risks: 20; 3 of 10 scope changes: 20;
	# half the trained users at target: 7.5  ->  100 - 82.5
	poor = health.assess(health.HealthInputs(30, 90, 2, 10, 3, 50))
	assert poor.score == 17.5
	assert len(poor.reasons) == 4


def test_slip_and_adoption():
	today = dt.date(2026, 6, 1)
	rows = [
		{"planned_end_date": dt.date(2026, 5, 1), "status": "Completed"},
		{"planned_end_date": dt.date(2026, 5, 20), "status": "In Progress"},
		{"planned_end_date": dt.date(2026, 7, 1), "status": "Not Started"},
	]
	assert health.slip_days(rows, today) == 12
	assert health.adoption({"a": 6, "b": 2}, 5) == 50
	assert health.adoption({}, 5) is None
