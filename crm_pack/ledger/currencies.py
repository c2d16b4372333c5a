"""Which currency a figure is in, and ERPNext's exchange rates where one total is needed.

Rates are ERPNext's own Currency Exchange records (the latest on or before the day, for
selling), never a web service: a figure must not wait on the network."""

import frappe
from frappe.query_builder import Order
from frappe.utils import getdate, nowdate


def home_currency() -> str | None:
	"""The default company's currency: headlines of customers billed in several currencies
	are converted into it."""
	company = frappe.defaults.get_global_default("company")
	if company:
		return frappe.get_cached_value("Company", company, "default_currency")
	return frappe.defaults.get_global_default("currency")


def company_currencies(companies) -> dict[str, str]:
	return {c: frappe.get_cached_value("Company", c, "default_currency") for c in set(companies)}


def rates_into(target: str | None, currencies, on_date=None) -> dict[str, float]:
	"""Rate from each currency into `target` (currency -> rate); a currency without a
	Currency Exchange record either way round is left out."""
	wanted = sorted({c for c in currencies if c and c != target})
	if not target or not wanted:
		return {}
	on_date = getdate(on_date or nowdate())
	cache = getattr(frappe.local, "crm_pack_rates", None)
	if cache is None:
		cache = frappe.local.crm_pack_rates = {}
	rates = {}
	for currency in wanted:
		key = (currency, target, on_date)
		if key not in cache:
			cache[key] = _latest_rate(currency, target, on_date)
		if cache[key]:
			rates[currency] = cache[key]
	return rates


def _latest_rate(from_currency: str, to_currency: str, on_date) -> float | None:
	ex = frappe.qb.DocType("Currency Exchange")
	for source, target, invert in ((from_currency, to_currency, False), (to_currency, from_currency, True)):
		rows = (
			frappe.qb.from_(ex)
			.select(ex.exchange_rate)
			.where(ex.from_currency == source)
			.where(ex.to_currency == target)
			.where(ex.date <= on_date)
			.where((ex.for_selling == 1) | ((ex.for_selling == 0) & (ex.for_buying == 0)))
			.orderby(ex.date, order=Order.desc)
			.limit(1)
			.run()
		)
		if rows and rows[0][0]:
			rate = float(rows[0][0])
			return 1 / rate if invert else rate
	return None
