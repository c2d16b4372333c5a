"""Customer value analytics for every customer at once: ABC tier, five-part lifetime
value, churn risk, RFM segment and share of wallet.

Reads are set-based — four grouped queries over Sales Invoice (+ items) and the
Payment Ledger, one over CRM Customer — the rules are the pure functions of
crm_pack.analytics, and the results are written back in chunks. Amounts are in the
default company's currency: invoices of companies in other currencies are left out
rather than summed across currencies.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, GroupConcat, Max, Min, Sum
from frappe.utils import add_days, cint, flt, getdate, now_datetime, nowdate
from pypika.terms import Parameter, Values

from crm_pack.analytics import abc, churn, clv, rfm
from crm_pack.services.record_access import require_crm_manager
from crm_pack.services.settings import home_currency

WRITE_CHUNK = 2000


def _companies() -> list[str]:
	currency = home_currency()
	return frappe.get_all("Company", filters={"default_currency": currency}, pluck="name")


def _purchase_days(companies) -> list[tuple]:
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


def _item_groups(companies):
	"""Per customer, item group and whether ERPNext knows the cost: first purchase,
	revenue, cost, and the premium lines' amounts at rate and at price-list rate."""
	si = frappe.qb.DocType("Sales Invoice")
	item = frappe.qb.DocType("Sales Invoice Item")
	known = Case().when(item.incoming_rate > 0, 1).else_(0)
	premium = (item.price_list_rate > 0) & (item.rate > item.price_list_rate)
	return (
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
		.run()
	)


def _payment_days(companies) -> list[tuple]:
	"""Per fully paid invoice: the customer, invoice date and the day it was fully paid,
	ordered by customer and payment day. Read from the Payment Ledger alone, grouped per
	invoice: the invoice's own row carries its date and amount, payments carry theirs, so
	no join with Sales Invoice is needed (a join over a million invoices costs 4×)."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	own_row = (ple.voucher_type == "Sales Invoice") & (ple.voucher_no == ple.against_voucher_no)
	invoice_date = Min(Case().when(own_row, ple.posting_date))
	invoice_amount = Min(Case().when(own_row, ple.amount))
	paid_on = Max(Case().when(ple.voucher_type != "Sales Invoice", ple.posting_date))
	rows = (
		frappe.qb.from_(ple)
		.select(Max(ple.party), invoice_date, paid_on)
		.where(ple.against_voucher_type == "Sales Invoice")
		.where(ple.party_type == "Customer")
		.where(ple.delinked == 0)
		.where(ple.company.isin(companies))
		.groupby(ple.against_voucher_no)
		# fully paid invoices (not returns), with at least one payment
		.having((Sum(ple.amount) <= 0) & (invoice_amount > 0) & paid_on.notnull())
		.run()
	)
	return sorted(rows, key=lambda r: (r[0], r[2]))


def _settings():
	s = frappe.get_cached_doc("CRM Pack Settings")
	return (
		s,
		clv.CLVSettings(
			default_margin=flt(s.default_margin_percent) / 100,
			acquisition_cost=flt(s.acquisition_cost),
			retention_cost=flt(s.retention_cost),
			referral_share=flt(s.referral_share_percent) / 100,
		),
		churn.ChurnSettings(
			new_customer_days=cint(s.churn_new_customer_days) or 90,
			default_interval_days=cint(s.churn_default_interval_days) or 90,
		),
	)


def compute_all(today: dt.date | None = None) -> dict[str, dict]:
	"""Every CRM Customer's analytics fields, keyed by customer."""
	today = getdate(today or nowdate())
	settings, clv_settings, churn_settings = _settings()
	companies = _companies() or [""]
	crm = frappe.qb.DocType("CRM Customer")
	customers = {
		r[0]: r[1:]
		for r in frappe.qb.from_(crm).select(crm.name, crm.referred_by, crm.estimated_annual_spend).run()
	}

	revenue: dict[str, float] = defaultdict(float)
	last_year: dict[str, float] = defaultdict(float)
	dates: dict[str, list] = defaultdict(list)
	baskets: dict[str, list] = defaultdict(list)
	year_ago = getdate(add_days(today, -365))
	for customer, day, basket, net, orders in _purchase_days(companies):
		revenue[customer] += flt(net)
		if day > year_ago:
			last_year[customer] += flt(net)
		if orders:
			dates[customer].append(day)
			baskets[customer].append(flt(basket))

	sales: dict[str, list] = defaultdict(list)
	premium: dict[str, list] = defaultdict(lambda: [0.0, 0.0])
	for customer, group, known, first, amount, cost, at_rate, at_list in _item_groups(companies):
		sales[customer].append(clv.GroupSales(group or "", first, flt(amount), flt(cost) if known else None))
		premium[customer][0] += flt(at_rate)
		premium[customer][1] += flt(at_list)

	days_to_pay: dict[str, list] = defaultdict(list)
	for customer, invoiced, paid in _payment_days(companies):
		days_to_pay[customer].append(max(0, (paid - invoiced).days))

	referred = clv.referrals({name: values[0] for name, values in customers.items()})
	inputs = {
		name: clv.CLVInput(
			first_purchase=dates[name][0] if dates.get(name) else None,
			last_purchase=dates[name][-1] if dates.get(name) else None,
			sales=sales.get(name, []),
			# one line carrying the premium lines' totals: (Σ rate·qty − Σ list·qty) × 1
			lines=[clv.PriceLine(premium[name][0], premium[name][1], 1)] if name in premium else [],
			referred=referred.get(name, []),
		)
		for name in customers
	}
	values = clv.compute_all(inputs, clv_settings)
	tiers = abc.classify(
		{n: revenue.get(n, 0.0) for n in customers},
		flt(settings.abc_a_share) / 100 or 0.8,
		flt(settings.abc_b_share) / 100 or 0.95,
	)
	risks = churn.assess_all(
		{
			n: churn.BuyingHistory(dates.get(n, []), baskets.get(n, []), days_to_pay.get(n, []))
			for n in customers
		},
		today,
		churn_settings,
	)
	scores = rfm.score(
		{
			n: rfm.Purchases(
				dates[n][-1] if dates.get(n) else None, len(dates.get(n, [])), revenue.get(n, 0.0)
			)
			for n in customers
		},
		today,
	)
	years = cint(settings.projection_years) or 5
	retention = flt(settings.retention_probability_percent) / 100
	discount = flt(settings.discount_rate_percent) / 100

	# A handful of sentence templates serve 100,000 customers: translate each once.
	translated: dict[str, str] = {}

	def sentences(pairs) -> str:
		lines = []
		for template, args in pairs:
			if template not in translated:
				translated[template] = frappe._(template)
			lines.append(translated[template].format(*args))
		return "\n".join(lines)

	out = {}
	for name, (_referred_by, estimated_spend) in customers.items():
		parts = values[name]
		risk = risks[name]
		score = scores.get(name)
		active_years = max(1.0, ((dates[name][-1] - dates[name][0]).days / 365) if dates.get(name) else 1.0)
		wallet = rfm.share_of_wallet(last_year.get(name, 0.0), flt(estimated_spend))
		out[name] = {
			"abc_tier": tiers.get(name, "C"),
			"clv_base_profit": parts.base_profit,
			"clv_cross_sell_profit": parts.cross_sell_profit,
			"clv_service_cost_saving": parts.service_cost_saving,
			"clv_referral_value": parts.referral_value,
			"clv_price_premium": parts.price_premium,
			"clv_total": parts.total,
			"clv_projected": round(
				clv.projected(parts.base_profit / active_years, retention, discount, years), 2
			),
			"clv_explanation": sentences(clv.explain(parts)),
			"churn_risk_score": round(risk.score, 1),
			"churn_risk_level": risk.level,
			"churn_risk_reason": sentences(risk.reasons),
			"rfm_segment": score.segment if score else None,
			"rfm_score": score.code if score else None,
			"billed_last_12_months": round(last_year.get(name, 0.0), 2),
			"net_revenue": round(revenue.get(name, 0.0), 2),
			# 0 when there is no estimate to compare with (the column cannot hold "unknown")
			"share_of_wallet": 0 if wallet is None else round(wallet * 100, 1),
		}
	return out


FIELDS = (
	"abc_tier",
	"clv_base_profit",
	"clv_cross_sell_profit",
	"clv_service_cost_saving",
	"clv_referral_value",
	"clv_price_premium",
	"clv_total",
	"clv_projected",
	"clv_explanation",
	"churn_risk_score",
	"churn_risk_level",
	"churn_risk_reason",
	"rfm_segment",
	"rfm_score",
	"billed_last_12_months",
	"net_revenue",
	"share_of_wallet",
	"analytics_updated_on",
)


@functools.lru_cache(maxsize=4)
def _upsert_sql(rows: int) -> str:
	"""INSERT … ON DUPLICATE KEY UPDATE for `rows` customers, with placeholders: built once
	per chunk size (building it with the values inside cost more than running it)."""
	crm = frappe.qb.DocType("CRM Customer")
	row = [Parameter("%s")] * (len(FIELDS) + 1)
	query = frappe.qb.into(crm).columns("name", *FIELDS).insert(*([row] * rows))
	for f in FIELDS:
		query = query.on_duplicate_key_update(crm[f], Values(crm[f]))
	return query.get_sql()


def _write(results: dict[str, dict], progress: bool) -> None:
	"""Chunks of INSERT … ON DUPLICATE KEY UPDATE: every name exists, so each row only
	updates, 2,000 customers per statement — a CASE-per-field bulk update of 100,000
	customers costs minutes, this costs seconds, with no DDL (the caller keeps its
	transaction). A customer deleted meanwhile would come back as a stub row without a
	creation stamp; those are removed at once."""
	crm = frappe.qb.DocType("CRM Customer")
	names = list(results)
	for start in range(0, len(names), WRITE_CHUNK):
		chunk = names[start : start + WRITE_CHUNK]
		values = [v for n in chunk for v in (n, *(results[n][f] for f in FIELDS))]
		frappe.db.sql(_upsert_sql(len(chunk)), values)
		frappe.qb.from_(crm).delete().where(crm.name.isin(chunk)).where(crm.creation.isnull()).run()
		if progress:
			done = start + len(chunk)
			frappe.publish_progress(
				100 * done / max(len(names), 1),
				title=frappe._("Customer analytics"),
				description=frappe._("{0} of {1} customers").format(done, len(names)),
			)


def recompute_all(*, commit: bool = False, progress: bool = False) -> int:
	"""Compute and store every customer's analytics; returns how many were written."""
	results = compute_all()
	now = now_datetime()
	for values in results.values():
		values["analytics_updated_on"] = now
	_write(results, progress)
	if commit:
		frappe.db.commit()
	return len(results)


def recompute_all_job() -> None:
	recompute_all(commit=True, progress=True)


@frappe.whitelist()
def run_now() -> str:
	"""CRM Managers start the analytics at once (long queue, with progress)."""
	require_crm_manager(frappe._("Only a CRM Manager can run the customer analytics."))
	frappe.enqueue("crm_pack.services.analytics_sync.recompute_all_job", queue="long", timeout=3600)
	return frappe._("Customer analytics started; the figures update when it finishes.")
