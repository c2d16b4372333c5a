"""Everyone's ABC tier and RFM quintiles, ranked in the database.

Both rank the whole population (rules/abc.py, rules/rfm.py): a customer's tier or
quintile can move when anyone else's revenue or purchases move, so every customer is
ranked every night, although few move. Handing 100,000 customers' figures to Python to
find those few cost more than scoring the ones found. Instead one grouped read hands over
each measure's values alone, without the names; the pure rules turn them into the edges
between tiers and quintiles (abc.tier_counts, rfm.quintile_cuts); and the scan that picks
whom to score (analytics/nightly.py) applies the edges row by row and returns only the
customers who are due or whose rank moved. The ranks are the rules' own: values are
compared as Python compares them, as doubles, and equal revenue is ordered by the names'
code points, as Python orders strings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left, bisect_right

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Cast, Coalesce, Concat, Count, GroupConcat, Sum
from pypika.terms import Function

from crm_pack.analytics import history
from crm_pack.analytics.rules import abc, rfm

# (revenue, name): the last customer of a tier. Everyone with more revenue is in it, and
# of those with the same revenue, those named up to `name` (None: all of them)
Edge = tuple[float, str | None]


@dataclasses.dataclass(frozen=True)
class Cuts:
	a_edge: Edge | None  # None: nobody is A
	b_edge: Edge | None  # the last customer who is A or B
	recency: tuple | None  # rfm.quintile_cuts of minus the days since the last purchase
	frequency: tuple | None
	monetary: tuple | None


def _revenue(crm):
	# a double, as the rules compare floats: the cut-offs are floats of the same values
	return Cast(crm.net_revenue, "DOUBLE")


def _days(crm, today: dt.date):
	return Function("GREATEST", Function("DATEDIFF", today, crm.last_purchase_date), 0)


def _buyer(crm):
	# rfm.score ranks the customers with an order (rules/rfm.py)
	return (crm.buying_days > 0) & crm.last_purchase_date.notnull()


def cuts(today: dt.date, a_share: float, b_share: float) -> Cuts:
	"""The edges of tonight's tiers and quintiles, from one pass over CRM Customer."""
	abc.check_shares(a_share, b_share)
	crm = frappe.qb.DocType("CRM Customer")
	buyer = _buyer(crm)
	positive, days, orders, revenue = _measures(
		crm,
		# the stored decimals: float() of their text is the float the rules rank
		(crm.net_revenue > 0, crm.net_revenue),
		(buyer, _days(crm, today)),
		(buyer, crm.buying_days),
		(buyer, Coalesce(crm.net_revenue, 0)),
	)
	ranked = sorted(positive, reverse=True)
	a_edge, b_edge = _edges(ranked, abc.tier_counts(ranked, a_share, b_share))
	return Cuts(
		a_edge=a_edge,
		b_edge=b_edge,
		# fewer days since the last order rank higher, as in rfm.score
		recency=rfm.quintile_cuts(sorted(-d for d in days)),
		frequency=rfm.quintile_cuts(sorted(orders)),
		monetary=rfm.quintile_cuts(sorted(revenue)),
	)


def _measures(crm, *measures) -> list[list[float]]:
	"""Each (condition, value) measure of every customer meeting its condition, as floats.
	One string per measure from one scan: a fifth of the time of 100,000 rows through the
	client. Where a string comes back cut (the server sends no row above
	max_allowed_packet, 16 MB by default: several hundred thousand customers), that
	measure's values are read as rows instead."""
	query = frappe.qb.from_(crm)
	terms = [Case().when(condition, value) for condition, value in measures]
	# the length each string has uncut: the values and a comma between each two
	lengths = [Sum(Function("CHAR_LENGTH", t)) + Count(t) - 1 for t in terms]
	with history.long_concat():
		row = query.select(*(GroupConcat(t) for t in terms), *lengths).run()[0]
	out = []
	for at, (condition, value) in enumerate(measures):
		joined, length = row[at] or "", row[len(measures) + at]
		if len(joined) == (length or 0) and joined:
			out.append([float(v) for v in joined.split(",")])
		elif not joined and length is None:
			out.append([])  # nobody meets the condition
		else:
			out.append([float(v) for (v,) in query.select(value).where(condition).run()])
	return out


def _edges(ranked: list[float], places: tuple[int, ...]) -> list[Edge | None]:
	"""The last of the first `places` customers in the ABC ranking (highest revenue first,
	equal revenue by name), each found from the revenues alone, unless it falls among
	equal revenues: then by their names, read once for all edges."""
	ascending = ranked[::-1]
	found = []  # (revenue, the how-manieth of the tied names ends the tier; None: all)
	for count in places:
		if not count:
			found.append(None)
			continue
		value = ranked[count - 1]
		above = len(ranked) - bisect_right(ascending, value)
		tied = bisect_right(ascending, value) - bisect_left(ascending, value)
		found.append((value, None if count - above == tied else count - above))
	names = _names_by_revenue({edge[0] for edge in found if edge and edge[1]})
	return [edge if not edge or not edge[1] else (edge[0], names[edge[0]][edge[1] - 1]) for edge in found]


def _names_by_revenue(values: set[float]) -> dict[float, list[str]]:
	"""The customers with these revenues, in Python's order of names."""
	if not values:
		return {}
	crm = frappe.qb.DocType("CRM Customer")
	revenue = _revenue(crm)
	out: dict[float, list[str]] = {v: [] for v in values}
	for name, value in frappe.qb.from_(crm).select(crm.name, revenue).where(revenue.isin(list(values))).run():
		out[value].append(name)
	return {v: sorted(names) for v, names in out.items()}


def _within(crm, edge: Edge):
	value, name = edge
	revenue = _revenue(crm)
	if name is None:
		return revenue >= value
	# code points, as Python orders names: the bytes of UTF-8 sort the same way
	return (revenue > value) | ((revenue == value) & (Cast(crm.name, "BINARY") <= name))


def _quintile(measure, cut: tuple | None):
	"""1 + the number of cuts the measure is above (rfm.quintile_cuts); the middle when
	there are no cuts."""
	if cut is None:
		return 3
	score = Case()
	for points, value in zip((5, 4, 3, 2), reversed(cut), strict=True):
		score = score.when(measure > value, points)
	return score.else_(1)


def terms(crm, today: dt.date, cut: Cuts) -> dict:
	"""Per row of `crm`: the tier, R, F and M (NULL for a customer without an order, as
	rfm.score leaves them out), the days since the last order and the RFM code."""
	tier = Case().when(_revenue(crm) <= 0, abc.C)
	for name, edge in ((abc.A, cut.a_edge), (abc.B, cut.b_edge)):
		if edge is not None:
			tier = tier.when(_within(crm, edge), name)
	tier = tier.else_(abc.C)
	days = _days(crm, today)
	buyer = _buyer(crm)
	recency = Case().when(buyer, _quintile(-days, cut.recency))
	frequency = Case().when(buyer, _quintile(crm.buying_days, cut.frequency))
	monetary = Case().when(buyer, _quintile(Coalesce(_revenue(crm), 0), cut.monetary))
	return {
		"tier": tier,
		"recency": recency,
		"frequency": frequency,
		"monetary": monetary,
		"days": days,
		"code": Case().when(buyer, Concat(recency, frequency, monetary)),
	}
