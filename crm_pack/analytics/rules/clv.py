"""Customer lifetime value in five parts, each explainable in one sentence.

1. Base profit: profit on purchases so far. Revenue minus cost where the cost is
   known, revenue × the default margin where it is not.
2. Cross- and up-selling profit: profit on item groups the customer first bought
   more than a year (365 days) after their first purchase; a customer who grows into
   new ranges is worth more than their first basket suggested.
3. Service cost saving: keeping a customer costs less than winning a new one, so
   each full year (calendar years between first and last purchase) saves
   acquisition cost − retention cost.
4. Referral value: a share (default 10 %) of the base profit of the customers
   recorded as referred by this one. Only a share, because the referred customer's
   own value already counts their profit in full and a referral is one reason among
   several they came; 10 % is a cautious finder's fee, to be tuned per business.
5. Price premium: what the customer paid above the price list, Σ (rate −
   price list rate) × qty over lines sold above it. Discounts do not subtract (they
   are the price of the relationship, not a lost premium); return lines take their
   premium back (negative qty).

Money is in the company currency, rounded to 2 decimals; the total adds up the
rounded parts so the form's figures sum. Shares are fractions of 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crm_pack.problems import _

# more than a year after the first purchase counts as growth, not the opening basket
CROSS_SELL_AFTER_DAYS = 365


@dataclass(frozen=True)
class CLVSettings:
	# CRM Pack Settings' default_margin_percent (20) / 100
	default_margin: float = 0.20
	# unknown until the business states them: no saving is claimed by default
	acquisition_cost: float = 0.0
	retention_cost: float = 0.0
	referral_share: float = 0.10

	def __post_init__(self) -> None:
		for label, value in (
			("default_margin", self.default_margin),
			("referral_share", self.referral_share),
		):
			if not 0 <= value <= 1:
				raise ValueError(_("{0} must be a fraction from 0 to 1, not {1}.").format(label, value))
		for label, value in (
			("acquisition_cost", self.acquisition_cost),
			("retention_cost", self.retention_cost),
		):
			if value < 0:
				raise ValueError(_("{0} cannot be negative, not {1}.").format(label, value))


@dataclass(frozen=True)
class GroupSales:
	"""A customer's sales of one item group. A group may come twice: once for lines
	whose cost is known, once (cost None) for lines whose cost is not."""

	item_group: str
	first_purchase: dt.date
	revenue: float
	cost: float | None = None


@dataclass(frozen=True)
class PriceLine:
	"""An invoice line; price_list_rate None or 0 when the item had no list price."""

	rate: float
	price_list_rate: float | None
	qty: float


@dataclass
class CLVInput:
	first_purchase: dt.date | None = None  # None: the earliest first_purchase of `sales`
	last_purchase: dt.date | None = None
	sales: list[GroupSales] = field(default_factory=list)
	lines: list[PriceLine] = field(default_factory=list)
	referred: list[str] = field(default_factory=list)  # customers recorded as referred by this one


@dataclass(frozen=True)
class CLVBasis:
	"""The numbers each part was obtained from, for `explain`."""

	revenue: float = 0.0
	costed_revenue: float = 0.0
	cost: float = 0.0
	default_margin: float = 0.0
	new_groups: tuple[str, ...] = ()
	years_retained: int = 0
	acquisition_cost: float = 0.0
	retention_cost: float = 0.0
	referred_count: int = 0
	referred_profit: float = 0.0
	referral_share: float = 0.0
	premium_lines: int = 0


@dataclass
class CLVParts:
	"""Field names match CRM Customer's clv_* fields."""

	base_profit: float = 0.0
	cross_sell_profit: float = 0.0
	service_cost_saving: float = 0.0
	referral_value: float = 0.0
	price_premium: float = 0.0
	basis: CLVBasis = field(default_factory=CLVBasis)
	total: float = field(init=False)

	def __post_init__(self) -> None:
		self.total = _money(
			self.base_profit
			+ self.cross_sell_profit
			+ self.service_cost_saving
			+ self.referral_value
			+ self.price_premium
		)


def _money(value: float) -> float:
	return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass(frozen=True)
class _Profit:
	revenue: float
	costed_revenue: float
	cost: float

	def at(self, margin: float) -> float:
		return (self.costed_revenue - self.cost) + (self.revenue - self.costed_revenue) * margin


def _profit(sales: Iterable[GroupSales]) -> _Profit:
	revenue = costed_revenue = cost = 0.0
	for s in sales:
		revenue += s.revenue
		if s.cost is not None:
			costed_revenue += s.revenue
			cost += s.cost
	return _Profit(revenue, costed_revenue, cost)


def _first_purchase(data: CLVInput) -> dt.date | None:
	if data.first_purchase is not None:
		return data.first_purchase
	return min((s.first_purchase for s in data.sales), default=None)


def base_profit(data: CLVInput, settings: CLVSettings) -> float:
	"""CLV1 alone: what referrers need of the customers they referred."""
	return _money(_profit(data.sales).at(settings.default_margin))


def new_groups(sales: Iterable[GroupSales], first_purchase: dt.date | None) -> tuple[str, ...]:
	"""Item groups first bought more than CROSS_SELL_AFTER_DAYS after the customer's first purchase."""
	if first_purchase is None:
		return ()
	first: dict[str, dt.date] = {}
	for s in sales:
		if s.item_group not in first or s.first_purchase < first[s.item_group]:
			first[s.item_group] = s.first_purchase
	return tuple(sorted(g for g, d in first.items() if (d - first_purchase).days > CROSS_SELL_AFTER_DAYS))


def full_years(first: dt.date | None, last: dt.date | None) -> int:
	"""Whole calendar years from first to last (29 Feb to 28 Feb is not yet a year); 0 without dates."""
	if first is None or last is None:
		return 0
	years = last.year - first.year - ((last.month, last.day) < (first.month, first.day))
	return max(years, 0)


def _premium(lines: Iterable[PriceLine]) -> tuple[float, int]:
	premium, count = 0.0, 0
	for line in lines:
		if line.price_list_rate and line.rate > line.price_list_rate:
			premium += (line.rate - line.price_list_rate) * line.qty
			count += 1
	return premium, count


def compute(
	data: CLVInput,
	settings: CLVSettings | None = None,
	base_profit_of: Mapping[str, float] | None = None,
	*,
	name: str | None = None,
) -> CLVParts:
	"""The five parts for one customer. `base_profit_of` gives the base profit of other
	customers (for referrals); a referred customer missing from it counts with 0, and a
	customer recorded as referring itself (`name`) is ignored."""
	settings = settings or CLVSettings()
	base_profit_of = base_profit_of or {}
	margin = settings.default_margin
	profit = _profit(data.sales)

	first = _first_purchase(data)
	groups = new_groups(data.sales, first)
	grown = set(groups)
	cross_sell = _profit(s for s in data.sales if s.item_group in grown).at(margin)

	years = full_years(first, data.last_purchase)
	saving = years * (settings.acquisition_cost - settings.retention_cost)

	referred = sorted(set(data.referred) - {name, None, ""})
	referred_profit = sum(base_profit_of.get(c, 0.0) for c in referred)

	premium, premium_lines = _premium(data.lines)

	basis = CLVBasis(
		revenue=_money(profit.revenue),
		costed_revenue=_money(profit.costed_revenue),
		cost=_money(profit.cost),
		default_margin=margin,
		new_groups=groups,
		years_retained=years,
		acquisition_cost=settings.acquisition_cost,
		retention_cost=settings.retention_cost,
		referred_count=len(referred),
		referred_profit=_money(referred_profit),
		referral_share=settings.referral_share,
		premium_lines=premium_lines,
	)
	return CLVParts(
		base_profit=_money(profit.at(margin)),
		cross_sell_profit=_money(cross_sell),
		service_cost_saving=_money(saving),
		referral_value=_money(referred_profit * settings.referral_share),
		price_premium=_money(premium),
		basis=basis,
	)


def referrals(referred_by: Mapping[str, str | None]) -> dict[str, list[str]]:
	"""Turns CRM Customer's `referred_by` (referred → referrer) into referrer → referred, by name.
	A customer referring itself is ignored."""
	out: dict[str, list[str]] = {}
	for customer, referrer in sorted(referred_by.items()):
		if referrer and referrer != customer:
			out.setdefault(referrer, []).append(customer)
	return out


def compute_all(inputs: Mapping[str, CLVInput], settings: CLVSettings | None = None) -> dict[str, CLVParts]:
	"""Every customer's parts; base profits are computed once, first, for the referrals."""
	settings = settings or CLVSettings()
	profits = {name: base_profit(data, settings) for name, data in inputs.items()}
	return {name: compute(data, settings, profits, name=name) for name, data in inputs.items()}


def _tidy(value: float, digits: int = 2) -> float | int:
	"""Numbers as a person reads them: 20 rather than 20.0."""
	value = round(value, digits)
	return int(value) if value == int(value) else value


def _percent(share: float) -> float | int:
	return _tidy(share * 100, 1)


def _explain_base(b: CLVBasis, value: float) -> tuple[str, tuple]:
	uncosted = _money(b.revenue - b.costed_revenue)
	margin = _percent(b.default_margin)
	if not b.revenue and not b.costed_revenue:
		return _("Base profit 0: no purchases yet."), ()
	if not b.costed_revenue:
		return _("Base profit {0}: revenue {1} at the default margin of {2}%."), (
			_tidy(value),
			_tidy(b.revenue),
			margin,
		)
	if not uncosted:
		return _("Base profit {0}: revenue {1} minus cost {2}."), (
			_tidy(value),
			_tidy(b.revenue),
			_tidy(b.cost),
		)
	return _(
		"Base profit {0}: revenue {1} minus its cost {2}, plus {3} of revenue at the default margin of {4}%."
	), (
		_tidy(value),
		_tidy(b.costed_revenue),
		_tidy(b.cost),
		_tidy(uncosted),
		margin,
	)


def _explain_cross_sell(b: CLVBasis, value: float) -> tuple[str, tuple]:
	if not b.new_groups:
		return _("Cross-selling profit 0: no item group was first bought after the first year."), ()
	return _("Cross-selling profit {0}: from item groups first bought after the first year: {1}."), (
		_tidy(value),
		", ".join(b.new_groups),
	)


def _explain_saving(b: CLVBasis, value: float) -> tuple[str, tuple]:
	return _("Service cost saving {0}: {1} full year(s) × (acquisition cost {2} − retention cost {3})."), (
		_tidy(value),
		b.years_retained,
		_tidy(b.acquisition_cost),
		_tidy(b.retention_cost),
	)


def _explain_referral(b: CLVBasis, value: float) -> tuple[str, tuple]:
	if not b.referred_count:
		return _("Referral value 0: no customers are recorded as referred by this one."), ()
	return _("Referral value {0}: {1}% of the base profit {2} of {3} referred customer(s)."), (
		_tidy(value),
		_percent(b.referral_share),
		_tidy(b.referred_profit),
		b.referred_count,
	)


def _explain_premium(b: CLVBasis, value: float) -> tuple[str, tuple]:
	if not b.premium_lines:
		return _("Price premium 0: nothing was bought above the price list."), ()
	return _("Price premium {0}: paid above the price list on {1} invoice line(s)."), (
		_tidy(value),
		b.premium_lines,
	)


def explain(parts: CLVParts) -> list[tuple[str, tuple]]:
	"""One (template, args) sentence per part, in order, for the form: stored as codes
	and rendered in the reader's language and number format (crm_pack/texts.py)."""
	b = parts.basis
	return [
		_explain_base(b, parts.base_profit),
		_explain_cross_sell(b, parts.cross_sell_profit),
		_explain_saving(b, parts.service_cost_saving),
		_explain_referral(b, parts.referral_value),
		_explain_premium(b, parts.price_premium),
	]


def projected(annual_profit: float, retention_probability: float, discount_rate: float, years: int) -> float:
	"""Present value of the profit still to come: Σ_{t=1..years} profit × r^t / (1 + d)^t.

	Each year the customer stays with probability r, and money a year later is worth
	1 / (1 + d) of money now."""
	if not 0 <= retention_probability <= 1:
		raise ValueError(
			_("Retention probability must be from 0 to 1, not {0}.").format(retention_probability)
		)
	if discount_rate <= -1:
		raise ValueError(_("Discount rate must be above -1 (-100%), not {0}.").format(discount_rate))
	if years < 0 or years != int(years):
		raise ValueError(_("Years must be a whole number, 0 or more, not {0}.").format(years))
	factor = retention_probability / (1 + discount_rate)
	return _money(sum(annual_profit * factor**t for t in range(1, int(years) + 1)))
