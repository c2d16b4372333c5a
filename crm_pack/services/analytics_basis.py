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

Reads are set-based: three grouped queries, for all customers or for chunks of
named ones. Amounts are in the default company's currency: invoices of companies
in other currencies are left out rather than summed across currencies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, GroupConcat, Max, Min, Sum
from frappe.utils import cint, flt

from crm_pack.analytics import churn, clv
from crm_pack.services.settings import home_currency

# Raise when the rules change what a basis holds: every basis is then read again.
BASIS_VERSION = 1
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
	"clv_explanation",
	"analytics_basis_key",
	"analytics_basis_on",
)


def companies() -> list[str]:
	return frappe.get_all("Company", filters={"default_currency": home_currency()}, pluck="name") or [""]


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
		sorted(companies()),
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


def _purchase_days(companies, customers=None) -> list[tuple]:
	"""Per customer and day, in date order: basket (invoices), net (invoices and returns)
	and invoice count. MariaDB groups per customer (its index order) and hands each
	customer's invoices over as one string: half the time of streaming a million rows
	through the client, and a third of grouping per customer-day in the server."""
	si = frappe.qb.DocType("Sales Invoice")
	query = (
		frappe.qb.from_(si)
		.select(si.customer, GroupConcat(Concat(si.posting_date, " ", si.base_net_total, " ", si.is_return)))
		.where(si.docstatus == 1)
		.where(si.company.isin(companies))
		.groupby(si.customer)
	)
	if customers is not None:
		query = query.where(si.customer.isin(customers))
	previous = frappe.db.sql("select @@session.group_concat_max_len")[0][0]
	# a customer's history must never be cut short (the default is 1 MB, ~40,000 invoices)
	frappe.db.sql("set session group_concat_max_len = 4294967295")
	try:
		rows = query.run()
	finally:
		frappe.db.sql("set session group_concat_max_len = %s", (int(previous),))
	days: dict[tuple, list] = {}
	for customer, history in rows:
		for invoice in history.split(","):
			posting_date, net, is_return = invoice.split(" ")
			day = days.get((customer, posting_date))
			if day is None:
				day = days[(customer, posting_date)] = [0.0, 0.0, 0]
			net = float(net)
			day[1] += net
			if is_return == "0":
				day[0] += net
				day[2] += 1
	return sorted((c, dt.date.fromisoformat(d), *values) for (c, d), values in days.items())


def _item_groups(companies, customers=None):
	"""Per customer, item group and whether ERPNext knows the cost: first purchase,
	revenue, cost, and the premium lines' amounts at rate and at price-list rate."""
	si = frappe.qb.DocType("Sales Invoice")
	item = frappe.qb.DocType("Sales Invoice Item")
	known = Case().when(item.incoming_rate > 0, 1).else_(0)
	premium = (item.price_list_rate > 0) & (item.rate > item.price_list_rate)
	query = (
		frappe.qb.from_(item)
		.join(si)
		.on(si.name == item.parent)
		.select(
			si.customer,
			item.item_group,
			known,
			Min(si.posting_date),
			Sum(item.base_net_amount),
			Sum(item.incoming_rate * item.stock_qty),
			Sum(Case().when(premium, item.base_rate * item.qty).else_(0)),
			Sum(Case().when(premium, item.base_price_list_rate * item.qty).else_(0)),
		)
		.where(si.docstatus == 1)
		.where(si.company.isin(companies))
		.where(item.parenttype == "Sales Invoice")
		.groupby(si.customer, item.item_group, known)
	)
	if customers is not None:
		query = query.where(si.customer.isin(customers))
	return query.run()


def _payment_days(companies, customers=None) -> list[tuple]:
	"""Per fully paid invoice: the customer, invoice date and the day it was fully paid,
	ordered by customer and payment day. Read from the Payment Ledger alone, grouped per
	invoice: the invoice's own row carries its date and amount, payments carry theirs, so
	no join with Sales Invoice is needed (a join over a million invoices costs 4×)."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	own_row = (ple.voucher_type == "Sales Invoice") & (ple.voucher_no == ple.against_voucher_no)
	invoice_date = Min(Case().when(own_row, ple.posting_date))
	invoice_amount = Min(Case().when(own_row, ple.amount))
	paid_on = Max(Case().when(ple.voucher_type != "Sales Invoice", ple.posting_date))
	query = (
		frappe.qb.from_(ple)
		.select(Max(ple.party), invoice_date, paid_on)
		.where(ple.against_voucher_type == "Sales Invoice")
		.where(ple.party_type == "Customer")
		.where(ple.delinked == 0)
		.where(ple.company.isin(companies))
		.groupby(ple.against_voucher_no)
		# fully paid invoices (not returns), with at least one payment
		.having((Sum(ple.amount) <= 0) & (invoice_amount > 0) & paid_on.notnull())
	)
	if customers is not None:
		query = query.where(ple.party.isin(customers))
	return sorted(query.run(), key=lambda r: (r[0], r[2]))


def referral_graph(referred_by: dict[str, str | None]) -> tuple[dict[str, list[str]], dict[str, str]]:
	"""Referrer → referred customers and referred → referrer, from CRM Customer's referred_by."""
	links = {name: referrer for name, referrer in referred_by.items() if referrer}
	return clv.referrals(links), links


def _ledger(customers: list[str] | None) -> Iterator[tuple[list, list, list]]:
	"""The three reads, for everyone at once or a chunk of customers at a time."""
	where = companies()
	if customers is None:
		yield _purchase_days(where), _item_groups(where), _payment_days(where)
		return
	for start in range(0, len(customers), CHUNK):
		chunk = customers[start : start + CHUNK]
		yield _purchase_days(where, chunk), _item_groups(where, chunk), _payment_days(where, chunk)


class Sentences:
	"""Renders (template, args) pairs as translated lines; a handful of templates serve
	100,000 customers, so each is translated once."""

	def __init__(self):
		self._translated: dict[str, str] = {}

	def __call__(self, pairs) -> str:
		lines = []
		for template, args in pairs:
			text = self._translated.get(template)
			if text is None:
				text = self._translated[template] = frappe._(template)
			lines.append(text.format(*args))
		return "\n".join(lines)


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

	history: dict[str, list] = defaultdict(list)
	sales: dict[str, list] = defaultdict(list)
	premium: dict[str, list] = {}
	days_to_pay: dict[str, list] = defaultdict(list)
	for purchase_days, item_groups, payment_days in _ledger(None if customers is None else names):
		for customer, day, basket, net, orders in purchase_days:
			history[customer].append((day, basket, net, orders))
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
		days = [d for d, _b, _n, orders in history.get(name, ()) if orders]
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
	sentences = Sentences()
	for name in names:
		parts = clv.compute(inputs.pop(name), clv_settings, profits, name=name)
		basis = _basis(history.pop(name, []), days_to_pay.pop(name, []), parts, settings, today)
		basis["clv_explanation"] = sentences(clv.explain(parts))
		basis["analytics_basis_key"] = key
		yield name, basis


def _basis(history, days_to_pay, parts, settings, today) -> dict:
	orders = [(day, basket) for day, basket, _net, count in history if count]
	pattern = churn.pattern(
		churn.BuyingHistory([d for d, _b in orders], [b for _d, b in orders], days_to_pay)
	)
	year_ago = today - YEAR
	in_window = [(day, net) for day, _b, net, _c in history if day > year_ago]
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
		"billed_last_12_months": round(sum(net for _d, net in in_window), 2),
		# the oldest invoice in the window leaves it a year after its date
		"billed_window_ends": min(in_window)[0] + YEAR if in_window else None,
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
