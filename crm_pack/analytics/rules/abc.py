"""ABC (Pareto) tiers of customers by revenue, and the figures behind the Pareto chart.

Shares are fractions of 1 (0.8 = 80 %). Revenue is net of returns, so it can be zero
or negative: such customers bring nothing and are always C. Every share is a share of
the *positive* revenue, so a customer who returned more than they bought neither
shrinks the total nor pushes anyone else into a higher tier.

Tier rule: customers are taken by revenue, highest first (equal revenue: by name, so
a rerun gives the same tiers). A customer is A while the share of revenue of the
customers *before* it is below `a_share`, B while it is below `b_share`, else C. So
the customer that crosses 80 % is still A: A is the smallest set of customers that
brings at least 80 % of revenue, not the largest set that stays under it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from crm_pack.problems import _

A, B, C = "A", "B", "C"
# cumulative sums of floats drift (0.1 + 0.7 < 0.8): a share within this of a limit is at the limit
EPSILON = 1e-9


def _ranked(revenue_by_customer: Mapping[str, float]) -> list[tuple[str, float]]:
	return sorted(revenue_by_customer.items(), key=lambda item: (-item[1], item[0]))


def _positive_total(revenue_by_customer: Mapping[str, float]) -> float:
	return sum(r for r in revenue_by_customer.values() if r > 0)


def _check_share(value: float, label: str) -> None:
	if not 0 <= value <= 1:
		raise ValueError(_("{0} must be a fraction from 0 to 1, not {1}.").format(label, value))


def check_shares(a_share: float, b_share: float) -> None:
	_check_share(a_share, "a_share")
	_check_share(b_share, "b_share")
	if a_share > b_share:
		raise ValueError(_("The A share ({0}) cannot be above the B share ({1}).").format(a_share, b_share))


def classify(
	revenue_by_customer: Mapping[str, float], a_share: float = 0.80, b_share: float = 0.95
) -> dict[str, str]:
	"""Tier "A", "B" or "C" per customer (see the module docstring for the rule)."""
	check_shares(a_share, b_share)
	ranked = _ranked(revenue_by_customer)
	in_a, in_b = tier_counts([r for _name, r in ranked if r > 0], a_share, b_share)
	return {name: A if at < in_a else B if at < in_b else C for at, (name, _r) in enumerate(ranked)}


def tier_counts(positive_revenues: Sequence[float], a_share: float, b_share: float) -> tuple[int, int]:
	"""How many customers are A, and A or B, given the positive revenues highest first:
	the share before a customer only grows down the ranking, so each tier is a run of
	places. Ranks the whole population without the names (analytics/ranking.py finds the
	customer at each edge)."""
	total = sum(positive_revenues)
	in_a = in_b = 0
	before = 0.0
	for revenue in positive_revenues:
		share_before = before / total
		if share_before < a_share - EPSILON:
			in_a += 1
		if share_before >= b_share - EPSILON:
			break
		in_b += 1
		before += revenue
	return in_a, in_b


def pareto_curve(
	revenue_by_customer: Mapping[str, float], max_points: int | None = None
) -> list[tuple[float, float]]:
	"""(share of customers, share of revenue) from (0, 0) to (1, 1), best customers first.

	Customers without positive revenue count as customers bringing nothing, so the
	curve ends flat at 1.0. Empty input or no positive revenue: [] (there is no curve
	to draw). `max_points` thins a curve of many customers for a chart, keeping the
	first and last points."""
	total = _positive_total(revenue_by_customer)
	if total <= 0:
		return []
	count = len(revenue_by_customer)
	points = [(0.0, 0.0)]
	cumulative = 0.0
	for position, (_name, revenue) in enumerate(_ranked(revenue_by_customer), start=1):
		cumulative += max(revenue, 0.0)
		points.append((position / count, min(cumulative / total, 1.0)))
	return _thin(points, max_points)


def _thin(points: list[tuple[float, float]], max_points: int | None) -> list[tuple[float, float]]:
	if max_points is None or len(points) <= max_points:
		return points
	if max_points < 2:
		raise ValueError(_("A curve needs at least 2 points, not {0}.").format(max_points))
	last = len(points) - 1
	picks = sorted({round(i * last / (max_points - 1)) for i in range(max_points)})
	return [points[i] for i in picks]


def concentration(revenue_by_customer: Mapping[str, float], customer_share: float = 0.12) -> float:
	"""Share of revenue brought by the top `customer_share` of customers ("57 % of sales
	from 12 % of customers" is concentration(...) == 0.57).

	A fraction of a customer counts with that fraction of its revenue (12 % of 10
	customers = the best one and a fifth of the second), which is reading the Pareto
	curve between its points; rounding to whole customers would make the figure jump
	as customers are added. No positive revenue: 0.0."""
	_check_share(customer_share, "customer_share")
	total = _positive_total(revenue_by_customer)
	if total <= 0:
		return 0.0
	ranked = [max(r, 0.0) for _name, r in _ranked(revenue_by_customer)]
	# 0.29 * 100 is 28.999999999999996: round away float noise before splitting whole and fraction
	top = round(customer_share * len(ranked), 9)
	whole = math.floor(top)
	brought = sum(ranked[:whole])
	if whole < len(ranked):
		brought += (top - whole) * ranked[whole]
	return brought / total


def a_without_owner(tiers: Mapping[str, str], owners: Mapping[str, str | None]) -> list[str]:
	"""A customers nobody looks after (no relationship owner, or a blank one), by name."""
	return sorted(name for name, tier in tiers.items() if tier == A and not owners.get(name))
