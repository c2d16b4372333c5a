"""Service-level clocks of an interaction: when the first response and the resolution are
due, what a pause does to them, and whether the agreement was met.

crm_pack's own rules, written to give the same answers as ERPNext's Service Level
Agreement engine (erpnext.support, deprecated in v16 and removed in v17), whose fields
and statuses the interactions keep: tests/integration/test_service_clock_vs_erpnext.py
compares the two wherever ERPNext still has its engine. Where ERPNext's arithmetic is
peculiar (the hold time is added in wall-clock seconds, not working seconds; a response
due is recomputed without the hold once the first response is in) it is kept, so a clock
that ERPNext started runs on here unchanged.

Times are naive datetimes in the site's time zone, as frappe stores them. Working hours
are seconds from midnight per weekday (0 = Monday).
"""

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping

# agreement_status, as ERPNext names them (reports and filters read these values)
FIRST_RESPONSE_DUE = "First Response Due"
RESOLUTION_DUE = "Resolution Due"
FULFILLED = "Fulfilled"
FAILED = "Failed"
STATUSES = (FIRST_RESPONSE_DUE, RESOLUTION_DUE, FULFILLED, FAILED)

DAY = 86400
# a calendar with no working day left in ten years is a set-up error, not a long wait
MAX_DAYS = 3660


@dataclasses.dataclass(frozen=True)
class Terms:
	"""What one agreement promises for one priority."""

	response_seconds: float
	resolution_seconds: float
	hours: Mapping[int, tuple[float, float]]  # weekday -> (start, end), seconds from midnight
	holidays: Collection[dt.date] = frozenset()
	pause_on: Collection[str] = frozenset()
	fulfilled_on: Collection[str] = frozenset()
	for_resolution: bool = True  # ERPNext's apply_sla_for_resolution


@dataclasses.dataclass
class Clock:
	"""The clock fields of an interaction (the names ERPNext gave them)."""

	started: dt.datetime  # service_level_agreement_creation, else the record's creation
	first_responded_on: dt.datetime | None = None
	on_hold_since: dt.datetime | None = None
	total_hold_time: float | None = None  # seconds; None until a first pause ends
	sla_resolution_date: dt.datetime | None = None
	response_by: dt.datetime | None = None
	sla_resolution_by: dt.datetime | None = None
	agreement_status: str | None = None


def _midnight(day: dt.date) -> dt.datetime:
	return dt.datetime(day.year, day.month, day.day)


def due(
	start: dt.datetime, seconds: float, hours: Mapping[int, tuple[float, float]], holidays=()
) -> dt.datetime:
	"""`seconds` of working time from `start`: counted only within the day's working hours,
	on working days that are not holidays. ERPNext's get_expected_time_for."""
	if seconds <= 0:
		raise ValueError("a service-level target must be a positive duration")
	holidays = set(holidays)
	remaining = seconds
	day = start.date()
	end = None
	for _ in range(MAX_DAYS):
		window = hours.get(day.weekday())
		if window and day not in holidays:
			opens, end = window
			# on the first day the clock starts at creation if that is later than opening time
			# (ERPNext compares whole seconds and then counts from the exact moment)
			since_midnight = start - _midnight(day)
			if day == start.date() and since_midnight.seconds > opens:
				begin = since_midnight.total_seconds()
			else:
				begin = opens
			left = end - begin
			if left > 0:
				if left >= remaining:
					expected = _midnight(day) + dt.timedelta(seconds=begin + remaining)
					if remaining >= DAY:  # only a 24-hour working day gets here
						return _midnight(day) + dt.timedelta(seconds=end)
					return expected
				remaining -= left
		day += dt.timedelta(days=1)
	raise ValueError("no working hours in the service calendar")


def is_paused(status: str | None, terms: Terms) -> bool:
	return status in terms.pause_on


def is_fulfilled(status: str | None, terms: Terms) -> bool:
	return status in terms.fulfilled_on


def is_running(status: str | None, terms: Terms) -> bool:
	return not is_paused(status, terms) and not is_fulfilled(status, terms)


def advance(
	clock: Clock,
	terms: Terms,
	*,
	previous_status: str | None,
	status: str | None,
	now: dt.datetime,
	first_reply: bool = False,
) -> Clock:
	"""The clock after a save that moved the status from `previous_status` (None for a new
	record) to `status` at `now`; `first_reply` when the save is the first reply whatever the
	status says. ERPNext's handle_status_change, update_response_and_resolution_metrics and
	update_agreement_status, in that order."""
	c = dataclasses.replace(clock)
	was_running, was_paused, was_fulfilled = (
		is_running(previous_status, terms),
		is_paused(previous_status, terms),
		is_fulfilled(previous_status, terms),
	)
	running, paused, fulfilled = (
		is_running(status, terms),
		is_paused(status, terms),
		is_fulfilled(status, terms),
	)

	if (was_running and not running) or first_reply:
		c.first_responded_on = c.first_responded_on or now

	def pause_ends():
		# a resolved interaction opened again was "paused" since it was resolved
		since = c.sla_resolution_date or c.on_hold_since
		if since:
			c.total_hold_time = (c.total_hold_time or 0) + (now - since).total_seconds()
		c.on_hold_since = None

	def pause_starts():
		c.on_hold_since = now
		# a due time that is still to be met is unknown while paused
		if not c.first_responded_on:
			c.response_by = None
		if not c.sla_resolution_date:
			c.sla_resolution_by = None

	if was_running and paused:
		pause_starts()
	if was_paused and running:
		pause_ends()
		c.sla_resolution_date = None
	if was_running and fulfilled:
		c.sla_resolution_date = now
	if was_fulfilled and running:
		pause_ends()
		c.sla_resolution_date = None
	if was_fulfilled and paused:
		pause_ends()
		pause_starts()
	if was_paused and fulfilled:
		pause_ends()
		if terms.for_resolution:
			c.sla_resolution_date = now

	hold = dt.timedelta(seconds=round(c.total_hold_time or 0))
	c.response_by = due(c.started, terms.response_seconds, terms.hours, terms.holidays)
	if not c.first_responded_on:
		c.response_by += hold
	if terms.for_resolution and not c.on_hold_since:
		c.sla_resolution_by = due(c.started, terms.resolution_seconds, terms.hours, terms.holidays) + hold

	c.agreement_status = agreement_status(c, terms.for_resolution)
	return c


def agreement_status(c: Clock, for_resolution: bool = True) -> str:
	"""Due until met, then Fulfilled or Failed. A late first response is not a failure by
	itself when the agreement covers resolution: the resolution decides (ERPNext's rule)."""
	if not c.first_responded_on:
		return FIRST_RESPONSE_DUE
	if for_resolution:
		if not c.sla_resolution_date:
			return RESOLUTION_DUE
		return FULFILLED if c.sla_resolution_by and c.sla_resolution_date <= c.sla_resolution_by else FAILED
	return FULFILLED if c.response_by and c.first_responded_on <= c.response_by else FAILED
