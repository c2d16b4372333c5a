"""Each customer's analytics basis: what their ledger says that does not change with
the calendar, stored on CRM Customer.

The basis is the buying pattern (first and last purchase, buying days, usual interval
and spread, shrinking-basket and slower-paying signals), net revenue, billing over
the last 12 months with the day that figure next changes, and the five lifetime
value parts with their explanation. Reading it means reading every invoice, item
and payment of the customer, so it is read only for customers whose ledger changed
(`analytics_dirty`, counted up by the document events), whose settings changed
(`analytics_basis_key`), whose 12-month window moved, or whose basis is a week old
(the net for changes no event reports, such as a repost of item valuation).

The reads are in `history`; this module assembles a basis from them with the pure
rules of `analytics.rules` and keeps the staleness marks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections import defaultdict
from collections.abc import Iterator

import frappe
from frappe.utils import cint, flt

from crm_pack import texts
from crm_pack.analytics import history
from crm_pack.analytics.rules import churn, clv
from crm_pack.utils.bulk_update import update_rows

# Raise when the rules change what a basis holds: every basis is then read again.
BASIS_VERSION = 2  # 2: the CLV explanation is stored as codes (crm_pack/texts.py)
# a basis older than this is read again even when no event said its ledger changed
MAX_AGE_DAYS = 7
CHUNK = 2000
YEAR = dt.timedelta(days=365)

FIELDS = (
	"first_purchase_date",
	"last_purchase_date",
	"buying_days",
	"usual_interval_days",
	"interval_spread_days",
	"churn_signal_points",
	"churn_signals",
	"net_revenue",
	"billed_last_12_months",
	"billed_window_ends",
	"clv_base_profit",
	"clv_cross_sell_profit",
	"clv_service_cost_saving",
	"clv_referral_value",
	"clv_price_premium",
	"clv_total",
	"clv_projected",
	"clv_explanation_codes",
	"analytics_basis_key",
	"analytics_basis_on",
)


# what a digest covers: the basis itself, not when or under which key it was read
DIGESTED = tuple(f for f in FIELDS if f not in ("analytics_basis_key", "analytics_basis_on"))


def digest(basis: dict) -> str:
	"""Of a basis as computed (the repr of its dates, numbers and codes), stored beside it,
	so a re-read that found the same basis writes two columns instead of twenty."""
	return format(zlib.crc32(repr(tuple(basis[f] for f in DIGESTED)).encode()), "08x")


def _settings():
	s = frappe.get_cached_doc("CRM Pack Settings")
	return s, clv.CLVSettings(
		default_margin=flt(s.default_margin_percent) / 100,
		acquisition_cost=flt(s.acquisition_cost),
		retention_cost=flt(s.retention_cost),
		referral_share=flt(s.referral_share_percent) / 100,
	)


def basis_key() -> str:
	"""Changes when anything a basis was computed with changes: the rules' version, the
	lifetime-value settings, or the companies whose invoices count."""
	s, clv_settings = _settings()
	parts = (
		BASIS_VERSION,
		clv_settings,
		cint(s.projection_years) or 5,
		flt(s.retention_probability_percent),
		flt(s.discount_rate_percent),
		sorted(history.companies()),
	)
	return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def mark_changed(customers: list[str]) -> None:
	"""Called by the document events: their ledger changed, read it again tonight. A
	counter rather than a flag, so a change during a run is not cleared by that run."""
	crm = frappe.qb.DocType("CRM Customer")
	(
		frappe.qb.update(crm)
		.set(crm.analytics_dirty, crm.analytics_dirty + 1)
		.where(crm.name.isin(customers))
		.run()
	)


def clear_changed(seen: dict[str, int]) -> None:
	"""Takes back the changes a run has read, leaving any counted since."""
	crm = frappe.qb.DocType("CRM Customer")
	by_count: dict[int, list[str]] = defaultdict(list)
	for name, count in seen.items():
		if count:
			by_count[count].append(name)
	for count, names in by_count.items():
		for start in range(0, len(names), CHUNK):
			(
				frappe.qb.update(crm)
				.set(crm.analytics_dirty, crm.analytics_dirty - count)
				.where(crm.name.isin(names[start : start + CHUNK]))
				.where(crm.analytics_dirty >= count)
				.run()
			)


def referral_graph(referred_by: dict[str, str | None]) -> tuple[dict[str, list[str]], dict[str, str]]:
	"""Referrer → referred customers and referred → referrer, from CRM Customer's referred_by."""
	links = {name: referrer for name, referrer in referred_by.items() if referrer}
	return clv.referrals(links), links


def compute(
	customers: list[str] | None,
	today: dt.date,
	everyone: list[str],
	referred_by: dict[str, str],
	stored_profit: dict[str, float],
	key: str,
) -> Iterator[tuple[str, dict]]:
	"""(customer, basis) for these customers (None: `everyone`), and for the customers
	who referred them, whose referral value includes their base profit (`referred_by`
	maps referred → referrer; `stored_profit` holds the referred customers' base profit;
	`key` is this run's basis_key()). A generator: each customer's ledger rows are let
	go once their basis is out, so a rebuild of 100,000 customers holds the ledger once,
	not the ledger and the bases."""
	settings, clv_settings = _settings()
	referred, referrer_of = referral_graph(referred_by)
	if customers is None:
		names = everyone
	else:
		known = set(everyone)
		wanted = set(customers) & known
		names = sorted(wanted | {referrer_of[c] for c in wanted if referrer_of.get(c) in known})

	purchases: dict[str, list] = defaultdict(list)
	sales: dict[str, list] = defaultdict(list)
	premium: dict[str, list] = {}
	days_to_pay: dict[str, list] = defaultdict(list)
	for purchase_days, item_groups, payment_days in history.read(None if customers is None else names):
		for customer, day, basket, net, orders in purchase_days:
			purchases[customer].append((day, basket, net, orders))
		for customer, group, known, first, amount, cost, at_rate, at_list in item_groups:
			sales[customer].append(
				clv.GroupSales(group or "", first, flt(amount), flt(cost) if known else None)
			)
			line = premium.setdefault(customer, [0.0, 0.0])
			line[0] += flt(at_rate)
			line[1] += flt(at_list)
		for customer, invoiced, paid in payment_days:
			days_to_pay[customer].append(max(0, (paid - invoiced).days))

	inputs = {}
	for name in names:
		days = [d for d, _b, _n, orders in purchases.get(name, ()) if orders]
		inputs[name] = clv.CLVInput(
			first_purchase=days[0] if days else None,
			last_purchase=days[-1] if days else None,
			sales=sales.get(name, []),
			# one line carrying the premium lines' totals: (Σ rate·qty − Σ list·qty) × 1
			lines=[clv.PriceLine(premium[name][0], premium[name][1], 1)] if name in premium else [],
			referred=referred.get(name, []),
		)
	profits = dict(stored_profit)
	profits.update((n, clv.base_profit(data, clv_settings)) for n, data in inputs.items())
	sales.clear()
	for name in names:
		parts = clv.compute(inputs.pop(name), clv_settings, profits, name=name)
		basis = _basis(purchases.pop(name, []), days_to_pay.pop(name, []), parts, settings, today)
		basis["clv_explanation_codes"] = texts.encode(clv.explain(parts))
		basis["analytics_basis_key"] = key
		yield name, basis


def _basis(history, days_to_pay, parts, settings, today) -> dict:
	orders = [(day, basket) for day, basket, _net, count in history if count]
	pattern = churn.pattern(
		churn.BuyingHistory([d for d, _b in orders], [b for _d, b in orders], days_to_pay)
	)
	billed, window_ends = billing_window(history, today)
	years = max(1.0, (pattern.last_day - pattern.first_day).days / 365 if pattern.first_day else 1.0)
	return {
		"first_purchase_date": pattern.first_day,
		"last_purchase_date": pattern.last_day,
		"buying_days": pattern.buying_days,
		"usual_interval_days": pattern.interval or 0,
		"interval_spread_days": pattern.spread or 0,
		"churn_signal_points": pattern.signal_points,
		"churn_signals": json.dumps(pattern.signal_reasons) if pattern.signal_reasons else "",
		"net_revenue": round(sum(net for _d, _b, net, _c in history), 2),
		"billed_last_12_months": billed,
		"billed_window_ends": window_ends,
		"clv_base_profit": parts.base_profit,
		"clv_cross_sell_profit": parts.cross_sell_profit,
		"clv_service_cost_saving": parts.service_cost_saving,
		"clv_referral_value": parts.referral_value,
		"clv_price_premium": parts.price_premium,
		"clv_total": parts.total,
		"clv_projected": round(
			clv.projected(
				parts.base_profit / years,
				flt(settings.retention_probability_percent) / 100,
				flt(settings.discount_rate_percent) / 100,
				cint(settings.projection_years) or 5,
			),
			2,
		),
		"analytics_basis_on": today,
	}


def billing_window(history: list[tuple], today: dt.date) -> tuple[float, dt.date | None]:
	"""Net billing of the last 12 months, from a customer's (day, basket, net, orders), and
	the day it next changes: the oldest invoice in the window leaves it a year after its date."""
	year_ago = today - YEAR
	in_window = [(day, net) for day, _b, net, _c in history if day > year_ago]
	return round(sum(net for _d, net in in_window), 2), min(in_window)[0] + YEAR if in_window else None


def move_windows(customers: list[str], today: dt.date, commit: bool) -> None:
	"""For the customers whose basis is stale only because an invoice left their 12-month
	window: that billing is the one part of a basis that moves with the calendar, so only
	their invoices are read again, not their items and payments (a third of a full read).
	The day of the last full read stays, so the weekly re-read still comes; the digest is
	cleared, so that read writes the whole basis again."""
	if not customers:
		return
	rates = history.company_rates()
	where = sorted(rates) or [""]
	rows = []
	for start in range(0, len(customers), CHUNK):
		chunk = customers[start : start + CHUNK]
		purchases: dict[str, list] = defaultdict(list)
		for customer, day, basket, net, orders in history.purchase_days(where, chunk, rates):
			purchases[customer].append((day, basket, net, orders))
		rows += [(name, *billing_window(purchases.get(name, []), today), "") for name in chunk]
	fields = ("billed_last_12_months", "billed_window_ends", "analytics_basis_digest")
	update_rows("CRM Customer", fields, rows, commit=commit)
