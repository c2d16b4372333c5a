"""How well the scores predicted: the live rules replayed on the ledger as it stood at
past month-ends, against what followed. Pure: the site reads the rows
(analytics/backtest.py) and hands them in; the scores come from the same rules the
nightly run uses (analytics/rules/churn.py, credit_control/rules/behaviour.py,
analytics/rules/abc.py), called with the history as it stood on the backtest day.

* **As it stood then** (`counted_on`): an invoice counts on a day when it is dated on or
  before it and was not yet cancelled (a cancelled invoice counts until the day it was
  cancelled), and an amendment only from the day it was made (the original it replaces
  stands for it before). A payment counts from its posting date until it was cancelled or
  unlinked (`delinked_on`).
* **Churn outcome** (`lapsed`): the customer lapsed when no order followed the backtest day
  within their usual interval plus `grace_days` (the default interval for those with no
  rhythm yet). Undecided (None, left out) while that horizon is still ahead of today.
* **Payment outcome** (`paid_late`): of the invoices posted in the `PAYMENT_HORIZON_DAYS`
  after the backtest day whose due date has passed, was any not fully paid by its due
  date. Undecided when there is no such invoice.
* **Figures per level** (`figures`): customers (one per customer and backtest day), those
  with the outcome, their share, the share of all outcomes the level caught, and the lift
  over the base rate (share ÷ the share among everyone).
* **Suggestions** (`suggest`): of the candidate thresholds, the one that catches the most
  outcomes while at least `min_precision` of those it flags have the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from crm_pack.analytics.rules import abc, churn, clv
from crm_pack.credit_control.rules import behaviour
from crm_pack.problems import Problem, _

MONTHS = 12
GRACE_DAYS = 30
PAYMENT_HORIZON_DAYS = 90
ABC_HORIZON_MONTHS = 3
# below these, a score's figures say "not enough history" rather than a share
MIN_OUTCOMES = 20  # decided customer-days over all backtest days
MIN_LEVEL_CUSTOMERS = 5  # in one level's row
CHURN_THRESHOLDS = tuple(range(30, 100, 5))  # candidate "High from" scores
RELIABILITY_THRESHOLDS = tuple(range(10, 101, 10))  # candidate "unreliable below" percents
NOT_MEASURED = "Not measured"
TOP_FIFTH, OTHERS = "Top fifth", "Other four fifths"
RELIABILITY_BANDS = ("Under 50 %", "50–80 %", "80 % and over", NOT_MEASURED)


@dataclass(frozen=True)
class Invoice:
	day: dt.date
	net: float  # in the home currency; a return is negative
	is_return: bool = False
	cancelled_on: dt.date | None = None  # None: it stands today
	amended_on: dt.date | None = None  # an amendment: the day it was made


@dataclass(frozen=True)
class Payment:
	"""A payment's allocation against an invoice."""

	allocation: behaviour.Allocation
	delinked_on: dt.date | None = None  # cancelled or unreconciled on that day


@dataclass(frozen=True)
class Due:
	"""An invoice that fell due: was it fully paid by its due date."""

	day: dt.date
	due_date: dt.date
	paid_by_due_date: bool


@dataclass(frozen=True)
class MonthSales:
	"""A customer's sales of one item group in one month (cost None where ERPNext does not
	know it), from invoices standing today."""

	month_end: dt.date
	item_group: str
	first_day: dt.date
	last_day: dt.date
	revenue: float
	cost: float | None


@dataclass
class Tally:
	customers: int = 0
	outcomes: int = 0
	predicted: float = 0.0
	actual: float = 0.0

	def add(self, outcome: bool, predicted: float = 0.0, actual: float = 0.0) -> None:
		self.customers += 1
		self.outcomes += bool(outcome)
		self.predicted += predicted
		self.actual += actual


def month_ends(today: dt.date, count: int = MONTHS) -> list[dt.date]:
	"""The last `count` month-ends before `today`, oldest first."""
	out, day = [], today.replace(day=1) - dt.timedelta(days=1)
	while len(out) < count:
		out.append(day)
		day = day.replace(day=1) - dt.timedelta(days=1)
	return out[::-1]


def add_months(day: dt.date, months: int) -> dt.date:
	"""The month-end `months` after the month of `day`."""
	following = day.year * 12 + day.month - 1 + months + 1  # the month after the target, counted from year 0
	return dt.date(following // 12, following % 12 + 1, 1) - dt.timedelta(days=1)


def counted_on(invoice: Invoice, day: dt.date) -> bool:
	"""The invoice was in the books on `day`: dated by then, not yet cancelled, and not an
	amendment made later."""
	return (
		invoice.day <= day
		and (invoice.cancelled_on is None or invoice.cancelled_on > day)
		and (invoice.amended_on is None or invoice.amended_on <= day)
	)


def payment_counted_on(payment: Payment, day: dt.date) -> bool:
	return payment.allocation.payment_date <= day and (
		payment.delinked_on is None or payment.delinked_on > day
	)


def buying_history(
	invoices: Iterable[Invoice], paid: Iterable[tuple[dt.date, dt.date]], day: dt.date
) -> churn.BuyingHistory:
	"""The churn rules' input on `day`, shaped as the live basis shapes it (analytics/
	basis.py): one order per buying day with that day's invoices as its basket, and the days
	each invoice fully paid by then took to pay (`paid`: (invoice day, paid on))."""
	baskets: dict[dt.date, float] = {}
	for inv in invoices:
		if not inv.is_return and counted_on(inv, day):
			baskets[inv.day] = baskets.get(inv.day, 0.0) + inv.net
	days = sorted(baskets)
	settled = sorted((on, max(0, (on - invoiced).days)) for invoiced, on in paid if on <= day)
	return churn.BuyingHistory(days, [baskets[d] for d in days], [n for _on, n in settled])


def reliability_on(payments: Iterable[Payment], day: dt.date) -> float | None:
	"""Payment reliability (0–100) on `day` from the payments counted then; promises are not
	replayed (their resolution day is not recorded), so this is the on-time part alone."""
	rows = [p.allocation for p in payments if payment_counted_on(p, day)]
	return behaviour.reliability(behaviour.payment_behaviour(rows, day).on_time_share, None, 0)


def churn_on(
	invoices: Sequence[Invoice],
	paid: Sequence[tuple[dt.date, dt.date]],
	payments: Sequence[Payment],
	day: dt.date,
	settings: churn.ChurnSettings,
	low_reliability_percent: float = behaviour.LOW_RELIABILITY_PERCENT,
) -> churn.ChurnRisk | None:
	"""The churn risk the live rules would have given on `day` (None: no order by then).
	Of the money signals only the payment reliability is replayed (credit use and late
	deliveries are not kept per day)."""
	history = buying_history(invoices, paid, day)
	if not history.order_dates:
		return None
	signals = behaviour.churn_signals(
		payment_reliability=reliability_on(payments, day), low_reliability_percent=low_reliability_percent
	)
	return churn.risk(churn.pattern(history, settings), day, settings, signals)


def lapsed(
	invoices: Iterable[Invoice],
	risk: churn.ChurnRisk,
	day: dt.date,
	today: dt.date,
	settings: churn.ChurnSettings,
	grace_days: int = GRACE_DAYS,
) -> bool | None:
	"""No order (standing today) within the usual interval plus the grace after `day`;
	None while that is not known yet."""
	interval = risk.usual_interval_days or settings.default_interval_days
	horizon = day + dt.timedelta(days=round(interval) + grace_days)
	if horizon > today:
		return None
	return not any(
		day < inv.day <= horizon for inv in invoices if not inv.is_return and inv.cancelled_on is None
	)


def paid_late(dues: Iterable[Due], day: dt.date, today: dt.date) -> bool | None:
	"""Any of the invoices posted in the horizon after `day` (due by today) paid after its
	due date; None when there is none to judge by."""
	horizon = day + dt.timedelta(days=PAYMENT_HORIZON_DAYS)
	judged = [d for d in dues if day < d.day <= horizon and d.due_date < today]
	if not judged:
		return None
	return any(not d.paid_by_due_date for d in judged)


def reliability_band(value: float | None) -> str:
	if value is None:
		return NOT_MEASURED
	return (
		RELIABILITY_BANDS[0] if value < 50 else RELIABILITY_BANDS[1] if value < 80 else RELIABILITY_BANDS[2]
	)


def net_revenue_on(invoices: Iterable[Invoice], day: dt.date) -> float:
	"""Net revenue (returns subtract) as the ABC tiers counted it on `day`."""
	return sum(inv.net for inv in invoices if counted_on(inv, day))


def abc_stability(
	revenue_then: Mapping[str, float],
	revenue_later: Mapping[str, float],
	a_share: float,
	b_share: float,
) -> dict[str, Tally]:
	"""Per tier on the backtest day: customers, and those in the same tier a quarter later
	(the live ABC rule on the revenue as it stood on each day)."""
	then = abc.classify(revenue_then, a_share, b_share)
	later = abc.classify(revenue_later, a_share, b_share)
	out = {tier: Tally() for tier in (abc.A, abc.B, abc.C)}
	for name, tier in then.items():
		out[tier].add(later.get(name) == tier)
	return out


def clv_days(today: dt.date) -> list[dt.date]:
	"""The month-ends whose next 12 months are over by today: 12 to 23 months before the last."""
	return [d for d in month_ends(today, 2 * MONTHS) if add_months(d, MONTHS) < today][-MONTHS:]


def _clv_input(sales: Sequence[MonthSales]) -> clv.CLVInput:
	groups: dict[tuple[str, bool], list] = {}
	for s in sales:
		key = (s.item_group, s.cost is not None)
		g = groups.setdefault(key, [s.first_day, 0.0, 0.0])
		g[0] = min(g[0], s.first_day)
		g[1] += s.revenue
		g[2] += s.cost or 0.0
	return clv.CLVInput(
		first_purchase=min((s.first_day for s in sales), default=None),
		last_purchase=max((s.last_day for s in sales), default=None),
		sales=[
			clv.GroupSales(group, first, revenue, cost if known else None)
			for (group, known), (first, revenue, cost) in groups.items()
		],
	)


def predicted_year(
	sales: Sequence[MonthSales],
	day: dt.date,
	settings: clv.CLVSettings,
	retention_probability: float,
	discount_rate: float,
) -> float | None:
	"""The next 12 months of profit the live lifetime value projected on `day` (the first year
	of clv.projected, from the base profit of the sales by then, per year of buying as the
	basis counts it); None when nothing was bought by then. Referral and price premium are not
	replayed: they are not part of the projection."""
	data = _clv_input([s for s in sales if s.month_end <= day])
	if data.first_purchase is None:
		return None
	years = max(1.0, (data.last_purchase - data.first_purchase).days / 365)
	return clv.projected(clv.base_profit(data, settings) / years, retention_probability, discount_rate, 1)


def margin_between(
	sales: Sequence[MonthSales], start: dt.date, end: dt.date, settings: clv.CLVSettings
) -> float:
	"""The profit (the base-profit rule) on the sales of the months after `start` up to `end`."""
	return clv.base_profit(_clv_input([s for s in sales if start < s.month_end <= end]), settings)


def value_levels(predicted: Mapping[str, float]) -> dict[str, str]:
	"""TOP_FIFTH for the fifth of customers with the highest predicted value (at least one),
	OTHERS for the rest; equal values by name."""
	ranked = sorted(predicted, key=lambda n: (-predicted[n], n))
	top = max(1, round(len(ranked) / 5)) if ranked else 0
	return {name: TOP_FIFTH if i < top else OTHERS for i, name in enumerate(ranked)}


def figures(tallies: Mapping[str, Tally], order: Sequence[str]) -> list[dict]:
	"""Per level (in `order`): customers, outcomes, share with the outcome, share of all
	outcomes caught and lift over the base rate; a level with too few customers keeps its
	counts and no shares (None)."""
	customers = sum(t.customers for t in tallies.values())
	outcomes = sum(t.outcomes for t in tallies.values())
	base = outcomes / customers if customers else None
	total_actual = sum(t.actual for t in tallies.values())
	rows = []
	for level in order:
		t = tallies.get(level, Tally())
		enough = t.customers >= MIN_LEVEL_CUSTOMERS
		share = t.outcomes / t.customers if enough else None
		rows.append(
			{
				"level": level,
				"customers": t.customers,
				"outcomes": t.outcomes,
				"predicted": round(t.predicted, 2),
				"actual": round(t.actual, 2),
				"actual_share": t.actual / total_actual if enough and total_actual > 0 else None,
				"share": share,
				"caught": t.outcomes / outcomes if enough and outcomes else None,
				"lift": share / base if share is not None and base else None,
			}
		)
	return rows


def enough_history(tallies: Mapping[str, Tally]) -> bool:
	return sum(t.customers for t in tallies.values()) >= MIN_OUTCOMES


def suggest(
	thresholds: Mapping[float, Tally], all_outcomes: int, min_precision: float, current: float | None = None
) -> float | None:
	"""The threshold whose flagged customers catch the most outcomes while at least
	`min_precision` (0–1) of them have it; equal catches: the one flagging fewer, and among
	thresholds that flag the very same (the history cannot tell them apart) the one nearest
	`current`, so the evidence never moves a setting it does not speak to. None when no
	threshold reaches the precision."""
	best = None
	for value, t in thresholds.items():
		if not t.customers or t.outcomes / t.customers < min_precision:
			continue
		key = (t.outcomes, -t.customers, -abs(value - current) if current is not None else 0)
		if best is None or key > best[0]:
			best = (key, value)
	return best[1] if best and all_outcomes else None


def check_precision(min_precision: float) -> None:
	if not 0 < min_precision <= 1:
		raise ValueError(
			_("The precision must be above 0 % and at most 100 %, not {0}.").format(min_precision)
		)


def check_settings(churn_high_score: float, unreliable_payer_below_percent: float) -> list[Problem]:
	"""The two settings the backtest suggests, as a manager may type them."""
	problems = []
	if not 1 <= churn_high_score <= 100:
		problems.append(
			Problem(
				"churn_high_score",
				_("High churn risk starts at a score from 1 to 100, not {0}."),
				(churn_high_score,),
			)
		)
	if not 0 < unreliable_payer_below_percent <= 100:
		problems.append(
			Problem(
				"unreliable_payer_below_percent",
				_("An unreliable payer is below a share above 0% and at most 100%, not {0}%."),
				(unreliable_payer_below_percent,),
			)
		)
	return problems


def churn_settings(high_score: float, **values) -> churn.ChurnSettings:
	"""The churn rules' settings with High from `high_score` (Medium from 40, or from High
	when High is set lower)."""
	medium = churn.ChurnSettings.medium_score
	return churn.ChurnSettings(high_score=high_score, medium_score=min(medium, high_score), **values)
