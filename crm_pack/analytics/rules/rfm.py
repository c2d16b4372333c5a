"""RFM scores (recency, frequency, monetary) by quintiles, named segments, share of wallet.

Scores 1..5 are rank-based quintiles over the customers with at least one order:
a customer's score is 1 + ⌊5 × p⌋ (5 at most), where p is the share of the *other*
customers who do strictly worse on that measure. Customers who tie get the same
score, the one of the lowest place of the tie: when most customers bought once, all
of them score F = 1, rather than spreading identical customers over 1..3. When every
customer has the same value (one customer, say) the measure separates nobody and
scores the middle, 3. Worse means: more days since the last order, fewer orders,
less revenue (net of returns, so it can be negative).

Segments come from R and F (the well-known RF grid); M is scored and shown but does
not move the segment, so a one-off large order does not read as loyalty.

	R \\ F   1                2                3                4                5
	5       New Customers    Potential Loy.   Potential Loy.   Champions        Champions
	4       Promising        Potential Loy.   Potential Loy.   Loyal Customers  Loyal Customers
	3       About to Sleep   About to Sleep   Need Attention   Loyal Customers  Loyal Customers
	2       Hibernating      Hibernating      At Risk          At Risk          Can't Lose Them
	1       Lost             Hibernating      At Risk          At Risk          Can't Lose Them
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crm_pack.problems import _

CHAMPIONS = _("Champions")
LOYAL = _("Loyal Customers")
POTENTIAL_LOYALISTS = _("Potential Loyalists")
NEW_CUSTOMERS = _("New Customers")
PROMISING = _("Promising")
NEED_ATTENTION = _("Need Attention")
ABOUT_TO_SLEEP = _("About to Sleep")
AT_RISK = _("At Risk")
CANT_LOSE = _("Can't Lose Them")
HIBERNATING = _("Hibernating")
LOST = _("Lost")

# (R low, R high, F low, F high) → segment, both ends included; covers the 5 × 5 grid once
SEGMENTS: tuple[tuple[int, int, int, int, str], ...] = (
	(5, 5, 4, 5, CHAMPIONS),
	(3, 4, 4, 5, LOYAL),
	(4, 5, 2, 3, POTENTIAL_LOYALISTS),
	(5, 5, 1, 1, NEW_CUSTOMERS),
	(4, 4, 1, 1, PROMISING),
	(3, 3, 3, 3, NEED_ATTENTION),
	(3, 3, 1, 2, ABOUT_TO_SLEEP),
	(1, 2, 3, 4, AT_RISK),
	(1, 2, 5, 5, CANT_LOSE),
	(2, 2, 1, 2, HIBERNATING),
	(1, 1, 2, 2, HIBERNATING),
	(1, 1, 1, 1, LOST),
)
MIDDLE = 3


@dataclass(frozen=True)
class Purchases:
	last_order_date: dt.date | None
	order_count: int
	revenue: float


@dataclass(frozen=True)
class RFMScore:
	recency_days: int
	recency: int
	frequency: int
	monetary: int
	segment: str

	@property
	def code(self) -> str:
		""" "545" style, as RFM is usually quoted."""
		return f"{self.recency}{self.frequency}{self.monetary}"


def _day(value: dt.date | dt.datetime) -> dt.date:
	return value.date() if isinstance(value, dt.datetime) else value


def quintiles(values: Mapping[str, float]) -> dict[str, int]:
	"""1..5 per key, higher value → higher score (see the module docstring for ties)."""
	ordered = sorted(values.values())
	if not ordered or ordered[0] == ordered[-1]:
		return dict.fromkeys(values, MIDDLE)
	others = len(ordered) - 1
	return {key: min(5, 1 + (5 * bisect_left(ordered, v)) // others) for key, v in values.items()}


def quintile_cuts(ordered: Sequence[float]) -> tuple[float, float, float, float] | None:
	"""The four values a score rises past, from every value sorted: `quintiles` gives a
	value 1 + the number of cuts it is above (the cuts ascend). None when every value is
	the same (all score the middle). Lets the database score a population from four
	numbers (analytics/ranking.py) instead of handing every value to Python."""
	if not ordered or ordered[0] == ordered[-1]:
		return None
	others = len(ordered) - 1
	# a value scores above s once 5 × (values below it) ≥ s × others, i.e. once it is
	# above the value at place ⌈s × others / 5⌉ (1-based)
	return tuple(ordered[-(-s * others // 5) - 1] for s in range(1, 5))


def segment(recency: int, frequency: int) -> str:
	for r_low, r_high, f_low, f_high, name in SEGMENTS:
		if r_low <= recency <= r_high and f_low <= frequency <= f_high:
			return name
	raise ValueError(_("R and F scores must be from 1 to 5, not {0} and {1}.").format(recency, frequency))


def score(
	customers: Mapping[str, Purchases], today: dt.date, new: frozenset[str] | set[str] = frozenset()
) -> dict[str, RFMScore]:
	"""Scores and segment of every customer with at least one order; the others are left out.
	Customers in `new` (new by the churn rule: a first order too recent to show a rhythm)
	are New Customers whatever their quintiles say, so the two reports never contradict
	each other — on a young site most customers tie on recency and would otherwise read
	"About to Sleep" the day they first bought."""
	today = _day(today)
	buyers = {n: p for n, p in customers.items() if p.order_count > 0 and p.last_order_date is not None}
	days = {n: max((today - _day(p.last_order_date)).days, 0) for n, p in buyers.items()}
	# fewer days is better, so rank the negated days
	r = quintiles({n: -d for n, d in days.items()})
	f = quintiles({n: p.order_count for n, p in buyers.items()})
	m = quintiles({n: p.revenue for n, p in buyers.items()})
	return {
		n: RFMScore(days[n], r[n], f[n], m[n], NEW_CUSTOMERS if n in new else segment(r[n], f[n]))
		for n in buyers
	}


def share_of_wallet(billed_last_12_months: float, estimated_annual_spend: float | None) -> float | None:
	"""What we billed in the last 12 months as a fraction of what the customer is
	estimated to spend a year on what we sell (0.45 = 45 %).

	None when there is no estimate (or it is 0). Not capped at 1: above 1 (100 %)
	means the estimate is too low and should be raised, which a cap would hide.
	Negative when returns exceeded billing in the period."""
	if not estimated_annual_spend or estimated_annual_spend <= 0:
		return None
	return billed_last_12_months / estimated_annual_spend
