"""Service-level clocks (crm_pack/interactions/rules/service_clock.py), hand-computed.

The calendar is crm_pack's default: Monday to Friday, 09:00-18:00 (9 working hours a day).
2026-11-20 is a Friday."""

import datetime as dt

import pytest

from crm_pack.interactions.rules.service_clock import (
	FAILED,
	FIRST_RESPONSE_DUE,
	FULFILLED,
	RESOLUTION_DUE,
	Clock,
	Terms,
	advance,
	due,
)

H = 3600
OFFICE = {day: (9 * H, 18 * H) for day in range(5)}
FRI = dt.date(2026, 11, 20)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
	"""`day` days after Friday 2026-11-20, at hour:minute."""
	return dt.datetime.combine(FRI + dt.timedelta(days=day), dt.time(hour, minute))


def test_within_the_day():
	assert due(at(0, 10), 4 * H, OFFICE) == at(0, 14)


def test_ending_exactly_at_closing_time_stays_that_day():
	assert due(at(0, 14), 4 * H, OFFICE) == at(0, 18)


def test_the_weekend_does_not_count():
	# Friday 17:00 + 4 h: 1 h on Friday, 3 h on Monday from 09:00
	assert due(at(0, 17), 4 * H, OFFICE) == at(3, 12)


def test_a_holiday_does_not_count():
	# Monday is a holiday: 1 h on Friday, 3 h on Tuesday
	assert due(at(0, 17), 4 * H, OFFICE, holidays={at(3, 0).date()}) == at(4, 12)


def test_created_before_opening_starts_at_opening():
	assert due(at(3, 7, 30), 4 * H, OFFICE) == at(3, 13)


def test_created_after_closing_starts_next_working_day():
	# Friday 20:00: nothing left on Friday, the weekend is off, Monday 09:00 + 4 h
	assert due(at(0, 20), 4 * H, OFFICE) == at(3, 13)


def test_created_on_a_sunday():
	assert due(at(2, 11), 2 * H, OFFICE) == at(3, 11)


def test_a_target_spanning_several_days():
	# Medium resolution, 72 working hours from Friday 17:00, counted up: Fri 1, Mon 10,
	# Tue 19, Wed 28, Thu 37, Fri 46, Mon 55, Tue 64, then Wednesday 09:00 + 8 h = 17:00
	assert due(at(0, 17), 72 * H, OFFICE) == at(12, 17)


def test_a_target_of_whole_days_with_a_holiday_in_between():
	# Low response, 48 working hours from Monday 09:00: Mon..Fri is 45 h, Wednesday off ->
	# Mon, Tue, Thu, Fri = 36 h, next Mon 45, Tue 09:00 + 3 h = 12:00
	wednesday = at(5, 0).date()
	assert due(at(3, 9), 48 * H, OFFICE, holidays={wednesday}) == at(11, 12)


def test_a_shorter_day():
	hours = {**OFFICE, 4: (9 * H, 13 * H)}  # Fridays until 13:00
	assert due(at(0, 12), 2 * H, hours) == at(3, 10)


def test_minutes_and_seconds_count_from_the_moment_of_creation():
	start = at(0, 10, 15) + dt.timedelta(seconds=30)
	assert due(start, 30 * 60, OFFICE) == at(0, 10, 45) + dt.timedelta(seconds=30)


def test_targets_must_be_positive_and_the_calendar_must_have_hours():
	with pytest.raises(ValueError):
		due(at(0, 10), 0, OFFICE)
	with pytest.raises(ValueError):
		due(at(0, 10), H, {})


HIGH = Terms(
	response_seconds=4 * H,
	resolution_seconds=24 * H,
	hours=OFFICE,
	pause_on={"On Hold"},
	fulfilled_on={"Resolved", "Closed"},
)


def saved(clock, prev, status, now, **kw):
	return advance(clock, HIGH, previous_status=prev, status=status, now=now, **kw)


def test_a_new_complaint_gets_both_due_times():
	c = saved(Clock(started=at(0, 17)), None, "Open", at(0, 17))
	assert c.response_by == at(3, 12)
	# 24 h: Fri 1, Mon 9 (10), Tue 9 (19), Wed 09:00 + 5 h
	assert c.sla_resolution_by == at(5, 14)
	assert c.agreement_status == FIRST_RESPONSE_DUE


def test_reply_then_resolution_in_time_is_fulfilled():
	c = saved(Clock(started=at(0, 17)), None, "Open", at(0, 17))
	c = saved(c, "Open", "Replied", at(3, 10), first_reply=True)
	assert c.first_responded_on == at(3, 10)
	assert c.agreement_status == RESOLUTION_DUE
	c = saved(c, "Replied", "Resolved", at(4, 16))
	assert c.sla_resolution_date == at(4, 16)
	assert c.agreement_status == FULFILLED


def test_a_late_response_is_marked_by_the_resolution():
	c = saved(Clock(started=at(0, 17)), None, "Open", at(0, 17))
	c = saved(c, "Open", "Replied", at(3, 15), first_reply=True)
	assert c.first_responded_on > c.response_by
	assert c.agreement_status == RESOLUTION_DUE
	c = saved(c, "Replied", "Closed", at(5, 16))  # two hours after Wednesday 14:00
	assert c.agreement_status == FAILED


def test_replied_without_the_first_reply_mark_is_still_running():
	# "Replied" is neither a pause nor a fulfilment: only the first-reply mark stamps it
	c = saved(Clock(started=at(0, 17)), "Open", "Replied", at(3, 10))
	assert c.first_responded_on is None and c.agreement_status == FIRST_RESPONSE_DUE


def test_time_on_hold_moves_the_resolution_due():
	c = saved(Clock(started=at(0, 17)), None, "Open", at(0, 17))
	c = saved(c, "Open", "On Hold", at(3, 10))
	assert c.first_responded_on == at(3, 10)  # leaving the running states answers the customer
	assert c.on_hold_since == at(3, 10)
	assert c.sla_resolution_by is None  # unknown while paused
	assert c.response_by == at(3, 12)  # answered: the response due stays as it was
	c = saved(c, "On Hold", "Open", at(3, 13, 30))
	assert c.on_hold_since is None
	assert c.total_hold_time == 3.5 * H
	# ERPNext adds the hold in wall-clock time: Wednesday 14:00 + 3 h 30
	assert c.sla_resolution_by == at(5, 17, 30)
	c = saved(c, "Open", "Resolved", at(5, 17))
	assert c.agreement_status == FULFILLED


def test_hold_then_resolved_counts_the_hold():
	c = saved(Clock(started=at(0, 17)), None, "Open", at(0, 17))
	c = saved(c, "Open", "On Hold", at(3, 10))
	c = saved(c, "On Hold", "Resolved", at(3, 11))
	assert c.total_hold_time == H
	assert c.sla_resolution_date == at(3, 11)
	assert c.sla_resolution_by == at(5, 15)
	assert c.agreement_status == FULFILLED


def test_a_hold_before_the_first_response_moves_the_response_due_until_it_is_answered():
	c = Clock(started=at(0, 17), total_hold_time=2 * H)
	c = saved(c, None, "Open", at(3, 9))
	assert c.response_by == at(3, 14)  # 12:00 + 2 h of earlier hold
	c = saved(c, "Open", "Replied", at(3, 13), first_reply=True)
	assert c.response_by == at(3, 12)  # ERPNext: once answered, the due time without hold


def test_reopening_a_resolved_complaint_counts_the_time_it_was_resolved_as_hold():
	c = saved(Clock(started=at(0, 17)), None, "Open", at(0, 17))
	c = saved(c, "Open", "Resolved", at(3, 10))
	assert c.first_responded_on == at(3, 10) and c.agreement_status == FULFILLED
	c = saved(c, "Resolved", "Open", at(3, 12))
	assert c.sla_resolution_date is None
	assert c.total_hold_time == 2 * H
	assert c.sla_resolution_by == at(5, 16)
	assert c.agreement_status == RESOLUTION_DUE


def test_response_only_agreement():
	terms = Terms(
		4 * H, 24 * H, OFFICE, pause_on={"On Hold"}, fulfilled_on={"Resolved"}, for_resolution=False
	)
	c = advance(Clock(started=at(0, 17)), terms, previous_status=None, status="Open", now=at(0, 17))
	assert c.sla_resolution_by is None
	late = advance(c, terms, previous_status="Open", status="Resolved", now=at(3, 13))
	assert late.agreement_status == FAILED
	on_time = advance(c, terms, previous_status="Open", status="Resolved", now=at(3, 11))
	assert on_time.agreement_status == FULFILLED


def test_a_saved_clock_is_recomputed_not_shifted_twice():
	c = saved(Clock(started=at(0, 17)), None, "Open", at(0, 17))
	c = saved(c, "Open", "On Hold", at(3, 10))
	c = saved(c, "On Hold", "Open", at(3, 11))
	again = saved(c, "Open", "Open", at(3, 15))
	assert again.sla_resolution_by == c.sla_resolution_by == at(5, 15)
	assert again.total_hold_time == H
