"""Validation rules of the three doctypes (no site needed)."""

import datetime as dt

from crm_pack.interactions.rules.interaction_checks import check_interaction
from crm_pack.projects.rules.project_checks import Row, check_project, risk_score
from crm_pack.relationship.rules.record_checks import check_customer, check_settings


def fields(problems):
	return [p.fieldname for p in problems]


def test_follow_up_must_not_precede_the_interaction():
	when = dt.datetime(2026, 11, 23, 15, 0)
	assert fields(
		check_interaction(
			interaction_datetime=when,
			follow_up_date=dt.date(2026, 11, 22),
			reference_doctype=None,
			reference_name=None,
		)
	) == ["follow_up_date"]
	assert (
		check_interaction(
			interaction_datetime=when,
			follow_up_date=dt.date(2026, 11, 23),
			reference_doctype=None,
			reference_name=None,
		)
		== []
	)


def test_interaction_reference_is_limited_and_complete():
	when = dt.datetime(2026, 11, 23)
	assert fields(
		check_interaction(
			interaction_datetime=when, follow_up_date=None, reference_doctype="Customer", reference_name="X"
		)
	) == ["reference_doctype"]
	assert fields(
		check_interaction(
			interaction_datetime=when,
			follow_up_date=None,
			reference_doctype="Sales Order",
			reference_name=None,
		)
	) == ["reference_name"]


def project(**kw):
	base = dict(
		planned_start=None,
		planned_go_live=None,
		actual_start=None,
		actual_go_live=None,
		rows=[],
		current_phase=None,
	)
	return check_project(**{**base, **kw})


def test_project_dates_in_order():
	problems = project(planned_start=dt.date(2026, 3, 1), planned_go_live=dt.date(2026, 2, 1))
	assert fields(problems) == ["planned_go_live_date"]
	assert problems[0].args[1] == dt.date(2026, 2, 1)
	assert project(planned_start=dt.date(2026, 3, 1), planned_go_live=dt.date(2026, 3, 1)) == []


def test_project_rows_report_their_table_and_position():
	rows = [
		Row(
			"phases",
			1,
			{
				"phase_name": "Go-live",
				"planned_start_date": dt.date(2026, 5, 2),
				"planned_end_date": dt.date(2026, 5, 1),
			},
		),
		Row("risks", 2, {"likelihood": 0, "impact": 3}),
		Row("requirements", 3, {"business_value": 6, "constraint_count": -1}),
	]
	problems = project(rows=rows)
	assert [(p.fieldname, p.row[1]) for p in problems] == [
		("phases", 1),
		("risks", 2),
		("requirements", 3),
		("requirements", 3),
	]


def test_current_phase_must_be_a_phase_of_the_project():
	rows = [Row("phases", 1, {"phase_name": "Training"})]
	assert fields(project(rows=rows, current_phase="Cut-over")) == ["current_phase"]
	assert project(rows=rows, current_phase="Training") == []


def test_risk_score_is_likelihood_times_impact():
	assert risk_score(4, 5) == 20
	assert risk_score(None, 5) == 0


def test_customer_rules():
	ok = dict(name="A", customer="A", satisfaction=None, estimated_annual_spend=None, referred_by=None)
	assert check_customer(**ok) == []
	assert fields(check_customer(**{**ok, "satisfaction": 6})) == ["satisfaction_score"]
	assert fields(check_customer(**{**ok, "estimated_annual_spend": -1})) == ["estimated_annual_spend"]
	assert fields(check_customer(**{**ok, "referred_by": "A"})) == ["referred_by"]
	assert fields(check_customer(**{**ok, "name": "B"})) == ["customer"]


def test_settings_rules():
	ok = dict(
		abc_a_share=80, abc_b_share=95, default_margin_percent=20, stale_after_days=180, ledger_batch_size=500
	)
	assert check_settings(**ok) == []
	assert fields(check_settings(**{**ok, "abc_a_share": 96})) == ["abc_a_share"]
	assert fields(check_settings(**{**ok, "abc_b_share": 101})) == ["abc_a_share"]
	assert fields(check_settings(**{**ok, "ledger_batch_size": 0})) == ["ledger_batch_size"]


def test_interaction_satisfaction_and_follow_up_done():
	when = dt.datetime(2026, 11, 23)
	base = dict(interaction_datetime=when, follow_up_date=None, reference_doctype=None, reference_name=None)
	assert fields(check_interaction(**base, satisfaction=6)) == ["satisfaction"]
	assert check_interaction(**base, satisfaction=0) == []
	assert fields(check_interaction(**base, follow_up_done=True)) == ["follow_up_done"]


def test_data_quality_and_staleness():
	import datetime as dt

	from crm_pack.relationship.rules.quality import is_stale, last_activity, quality

	score, missing = quality(
		{"owner": True, "contact": True, "email": True, "phone": False, "address": False, "tax_id": True}
	)
	assert score == 66.7 and missing == ["phone number", "address"]
	assert quality({})[0] == 0.0
	today = dt.date(2026, 11, 23)
	assert last_activity(None, dt.date(2026, 1, 5), dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)
	assert is_stale(dt.date(2026, 5, 1), dt.date(2020, 1, 1), today, 180) is True  # 206 days
	assert is_stale(dt.date(2026, 6, 1), dt.date(2020, 1, 1), today, 180) is False  # 175 days
	assert is_stale(None, dt.date(2026, 11, 1), today, 180) is False  # new record, nothing yet
