"""Churn risk from each customer's own buying rhythm.

A fixed "90 days without orders" rule calls a monthly buyer safe long after they
have gone and an annual buyer lost a month after their order. Here lateness is
measured against the customer's own rhythm:

* usual interval = median of the gaps between buying days (the median, so one
  long holiday gap does not stretch the rhythm);
* spread = median absolute deviation of those gaps (robust like the median and
  defined from two gaps on, where an interquartile range is not), but never below
  `spread_floor_share` (20 %) of the interval or 1 day: a perfectly regular buyer
  has no spread, and a few days late must not look like a catastrophe;
* lateness z = (days since last order − usual interval) / spread, turned into a
  score by a logistic curve: 50 at two spreads late, about 12 when exactly on time,
  near 100 far past the rhythm.

Orders on the same day are one buying day (one need split into several orders is
not a faster rhythm). With two buying days the single gap is the interval and the
floor the spread. With fewer, there is no rhythm yet: "New" while the first order is
recent, else "One-off", scored against `default_interval_days`.

Customers with a rhythm get extra points, and a reason, for shrinking baskets and
for paying more slowly. Levels: High from 70, Medium from 40, else Low; "New" and
"One-off" keep their level whatever the score, which still sorts them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import fmean, median

from crm_pack.problems import _

LOW, MEDIUM, HIGH, NEW, ONE_OFF = "Low", "Medium", "High", "New", "One-off"
# z (in spreads late) where the score is 50, and how sharply it rises around there
LATE_MIDPOINT = 2.0
STEEPNESS = 1.0
# the signals compare the last few against all earlier ones
RECENT = 3
MIN_FOR_TREND = 6


@dataclass(frozen=True)
class ChurnSettings:
	new_customer_days: int = 90
	default_interval_days: float = 90
	spread_floor_share: float = 0.20
	medium_score: float = 40
	high_score: float = 70
	basket_drop_ratio: float = 0.70  # recent baskets below 70 % of earlier ones
	payment_slowdown_days: float = 10
	signal_points: float = 15

	def __post_init__(self) -> None:
		if self.default_interval_days <= 0:
			raise ValueError(
				_("The default interval must be at least 1 day, not {0}.").format(self.default_interval_days)
			)
		if not 0 < self.medium_score <= self.high_score <= 100:
			raise ValueError(
				_("Risk levels must rise: 0 < Medium ({0}) ≤ High ({1}) ≤ 100.").format(
					self.medium_score, self.high_score
				)
			)


@dataclass
class BuyingHistory:
	"""One customer's orders (dates ascending, baskets in the same order) and the
	days each paid invoice took to pay, in payment order."""

	order_dates: Sequence[dt.date] = ()
	basket_values: Sequence[float] = ()
	days_to_pay: Sequence[float] = ()


@dataclass
class ChurnRisk:
	score: float
	level: str
	reasons: list[tuple[str, tuple]] = field(default_factory=list)
	days_since_last_order: int | None = None
	usual_interval_days: float | None = None
	spread_days: float | None = None
	next_order_expected: dt.date | None = None


def _day(value: dt.date | dt.datetime | str) -> dt.date:
	if type(value) is dt.date:  # the usual case first: this runs for every order of every customer
		return value
	if isinstance(value, dt.datetime):
		return value.date()
	if isinstance(value, str):
		return dt.date.fromisoformat(value[:10])
	return value


def _tidy(value: float, digits: int = 1) -> float | int:
	value = round(value, digits)
	return int(value) if value == int(value) else value


def lateness_score(z: float) -> float:
	"""0..100, rising smoothly with lateness measured in spreads."""
	z = max(-50.0, min(50.0, z))  # exp overflows far out; the curve is flat there anyway
	return 100 / (1 + math.exp(-STEEPNESS * (z - LATE_MIDPOINT)))


def level_of(score: float, settings: ChurnSettings) -> str:
	if score >= settings.high_score:
		return HIGH
	if score >= settings.medium_score:
		return MEDIUM
	return LOW


def _floor(interval: float, settings: ChurnSettings) -> float:
	return max(settings.spread_floor_share * interval, 1.0)


def rhythm(days: Sequence[dt.date], settings: ChurnSettings) -> tuple[float, float]:
	"""(usual interval, spread) in days from two or more distinct, ascending buying days."""
	gaps = [(b - a).days for a, b in pairwise(days)]
	interval = median(gaps)
	deviation = median(abs(g - interval) for g in gaps) if len(gaps) > 1 else 0.0
	return interval, max(deviation, _floor(interval, settings))


def _no_rhythm(first: dt.date, since: int, settings: ChurnSettings) -> ChurnRisk:
	interval = settings.default_interval_days
	spread = _floor(interval, settings)
	score = lateness_score((since - interval) / spread)
	if since <= settings.new_customer_days:
		level = NEW
		reason = (_("First order on {0}; too early to know this customer's rhythm."), (first,))
	else:
		level = ONE_OFF
		reason = (
			_("Only one order, on {0}; customers are expected to reorder within {1} days."),
			(first, _tidy(interval)),
		)
	return ChurnRisk(
		round(score, 1),
		level,
		[reason],
		days_since_last_order=since,
		next_order_expected=first + dt.timedelta(days=round(interval)),
	)


def _rhythm_reason(
	last: dt.date, since: int, interval: float, spread: float, gap_count: int
) -> tuple[str, tuple]:
	"""Names the last order's date rather than counting days since: a stored reason stays
	true the next day, and is rewritten only when the customer moves from on time to late.
	Dates are passed as dates, so the reader sees them in their own date format."""
	late = since > interval
	if gap_count == 1:
		args = (last, _tidy(interval))
		if late:
			return _("No order since {0}; its two orders so far were {1} days apart."), args
		return _("Last order on {0}; its two orders so far were {1} days apart."), args
	args = (last, _tidy(interval), _tidy(spread))
	if late:
		return _("No order since {0}; this customer usually orders every {1} days (±{2})."), args
	return _("Last order on {0}; this customer usually orders every {1} days (±{2})."), args


def _split(values: Sequence[float]) -> tuple[float, float] | None:
	"""(mean of the last RECENT, mean of those before) when there are enough values."""
	if len(values) < MIN_FOR_TREND:
		return None
	return fmean(values[-RECENT:]), fmean(values[:-RECENT])


def _signals(history: BuyingHistory, settings: ChurnSettings) -> tuple[float, list[tuple[str, tuple]]]:
	points, reasons = 0.0, []
	baskets = _split(history.basket_values)
	# earlier baskets at or below zero (returns) give no level to shrink from
	if baskets and baskets[1] > 0 and baskets[0] < settings.basket_drop_ratio * baskets[1]:
		points += settings.signal_points
		reasons.append(
			(
				_("Recent orders are smaller: the last {0} averaged {1}, against {2} before."),
				(RECENT, _tidy(baskets[0], 2), _tidy(baskets[1], 2)),
			)
		)
	paying = _split(history.days_to_pay)
	if paying and paying[0] - paying[1] > settings.payment_slowdown_days:
		points += settings.signal_points
		reasons.append(
			(
				_(
					"Paying more slowly: the last {0} invoices took {1} days on average to pay, against {2} days before."
				),
				(RECENT, _tidy(paying[0]), _tidy(paying[1])),
			)
		)
	return points, reasons


@dataclass(frozen=True)
class BuyingPattern:
	"""What the churn risk needs of a customer's history, none of it depending on the
	day: stored per customer and refreshed only when their ledger changes, so the
	nightly run scores 100,000 customers without re-reading their invoices."""

	first_day: dt.date | None = None
	last_day: dt.date | None = None
	buying_days: int = 0
	interval: float | None = None
	spread: float | None = None
	signal_points: float = 0.0
	signal_reasons: tuple[tuple[str, tuple], ...] = ()


def pattern(history: BuyingHistory, settings: ChurnSettings | None = None) -> BuyingPattern:
	settings = settings or ChurnSettings()
	days = sorted({_day(d) for d in history.order_dates})
	if len(days) < 2:
		return BuyingPattern(days[0] if days else None, days[-1] if days else None, len(days))
	interval, spread = rhythm(days, settings)
	points, reasons = _signals(history, settings)
	return BuyingPattern(days[0], days[-1], len(days), interval, spread, points, tuple(reasons))


def risk(
	p: BuyingPattern,
	today: dt.date,
	settings: ChurnSettings | None = None,
	extra_signals: Sequence[tuple[str, tuple]] = (),
) -> ChurnRisk:
	"""The churn risk on `today` of a customer buying in pattern `p`. `extra_signals`:
	reasons from outside the buying history (over the credit limit, late deliveries, an
	unreliable payer: credit_control/rules/behaviour.py), each worth the signal points;
	"New" and "One-off" keep their level."""
	settings = settings or ChurnSettings()
	result = _risk(p, today, settings)
	if extra_signals:
		result.score = round(min(100.0, result.score + settings.signal_points * len(extra_signals)), 1)
		result.reasons = [*result.reasons, *extra_signals]
		if result.level in (LOW, MEDIUM, HIGH):
			result.level = level_of(result.score, settings)
	return result


def _risk(p: BuyingPattern, today: dt.date, settings: ChurnSettings) -> ChurnRisk:
	if not p.buying_days:
		return ChurnRisk(0.0, NEW, [(_("No orders yet."), ())])
	since = max((_day(today) - p.last_day).days, 0)  # an order dated ahead is not lateness
	if p.buying_days == 1 or p.interval is None:
		return _no_rhythm(p.first_day, since, settings)
	score = round(min(100.0, lateness_score((since - p.interval) / p.spread) + p.signal_points), 1)
	return ChurnRisk(
		score,
		level_of(score, settings),
		[_rhythm_reason(p.last_day, since, p.interval, p.spread, p.buying_days - 1), *p.signal_reasons],
		days_since_last_order=since,
		usual_interval_days=p.interval,
		spread_days=p.spread,
		next_order_expected=p.last_day + dt.timedelta(days=round(p.interval)),
	)


def next_change(
	p: BuyingPattern, today: dt.date, settings: ChurnSettings | None = None, extra_signals: int = 0
) -> dt.date | None:
	"""The first day after `today` on which the calendar alone moves what is stored of
	`risk(p, day, settings, extra_signals)`: the score in whole points, the level, the
	reasons (None: never, until the pattern or the signals change). Only the days since
	the last order move, and everything stored moves one way with them, so a change is the
	first day the score crosses its next whole point or level, the order becomes overdue or
	a New customer turns One-off. Those days come from the inverse of the lateness curve,
	taken a tenth of a point and a day early (the score is rounded twice and computed in
	floats), then checked against the rule itself for the few days up to the crossing."""
	settings = settings or ChurnSettings()
	if not p.buying_days:
		return None
	now = _risk(p, today, settings)
	since = now.days_since_last_order
	extra = settings.signal_points * extra_signals
	rhythm = p.buying_days > 1 and p.interval is not None
	interval = p.interval if rhythm else settings.default_interval_days
	spread = p.spread if rhythm else _floor(interval, settings)
	base = p.signal_points if rhythm else 0.0
	stored = _stored(now, extra, settings)
	targets = []  # lateness scores at which something stored may move
	if stored[0] < 100:
		targets.append(stored[0] + 0.4)
	if rhythm:
		# Low, Medium, High follow the score; New and One-off do not
		score = round(min(100.0, now.score + extra), 1)
		targets += [t - 0.1 for t in (settings.medium_score, settings.high_score) if t > score]
	candidates = [_first_since(t - base - extra, interval, spread) for t in targets]
	if rhythm and since <= interval:
		candidates.append(math.floor(interval) + 1)  # overdue (the reason says so)
	elif not rhythm and since <= settings.new_customer_days:
		candidates.append(settings.new_customer_days + 1)  # New turns One-off
	candidates = [c for c in candidates if c is not None]
	if not candidates:
		return None
	# days since the last order count from it (an order dated ahead: from that day)
	first = max(since + 1, min(candidates))
	for days in range(first, first + CHECKED_DAYS):
		if _stored(_risk(p, p.last_day + dt.timedelta(days=days), settings), extra, settings) != stored:
			return p.last_day + dt.timedelta(days=days)
	return p.last_day + dt.timedelta(days=first + CHECKED_DAYS)


# days next_change checks against the rule after the earliest possible crossing
CHECKED_DAYS = 3


def _stored(r: ChurnRisk, extra: float, settings: ChurnSettings) -> tuple:
	"""What is stored of `risk(...)` with `extra` signal points: whole points, level, reasons
	(the extra signals' reasons only follow them, so they are left out here)."""
	score = round(min(100.0, r.score + extra), 1) if extra else r.score
	level = level_of(score, settings) if extra and r.level in (LOW, MEDIUM, HIGH) else r.level
	return round(score), level, r.reasons


def _first_since(lateness: float, interval: float, spread: float) -> int | None:
	"""A whole number of days since the last order at or before the first on which the
	lateness score reaches `lateness` (None: never below the curve's top)."""
	if lateness <= 0:
		return 0
	if lateness >= 100:
		return None
	z = min(50.0, LATE_MIDPOINT - math.log(100 / lateness - 1) / STEEPNESS)
	return math.floor(interval + z * spread)


def assess(history: BuyingHistory, today: dt.date, settings: ChurnSettings | None = None) -> ChurnRisk:
	"""The churn risk of one customer on `today`."""
	return risk(pattern(history, settings), today, settings)


def assess_all(
	histories: Mapping[str, BuyingHistory], today: dt.date, settings: ChurnSettings | None = None
) -> dict[str, ChurnRisk]:
	settings = settings or ChurnSettings()
	return {name: assess(history, today, settings) for name, history in histories.items()}
