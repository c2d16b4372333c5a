"""Each customer's invoice, item and payment history, read set-based for the analytics
basis: three grouped queries, for all customers at once or for chunks of named ones.

Amounts are in the default company's currency: invoices of a company in another
currency are converted at ERPNext's exchange rate (Currency Exchange) current when the
basis is read — bases are read again at least weekly — and left out where no rate is
recorded, never added unconverted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Cast, Concat, GroupConcat, Max, Min, Sum

from crm_pack.ledger.currencies import home_currency, rates_into

CHUNK = 2000


def companies() -> list[str]:
	"""The companies whose invoices count: the default currency's, and those whose
	currency has an exchange rate into it."""
	return sorted(company_rates()) or [""]


def company_rates() -> dict[str, float]:
	"""Company -> rate of its currency into the default company's."""
	home = home_currency()
	currency_of = dict(frappe.get_all("Company", fields=["name", "default_currency"], as_list=True))
	rates = {home: 1.0, **rates_into(home, currency_of.values())}
	return {c: rates[cur] for c, cur in currency_of.items() if cur in rates}


# The grouped reads group 100,000 customers (or customer × item group) in a temporary
# table; at MariaDB's default 16 MB it goes to disk and the item read takes 4× as long.
# For these statements only, as Frappe's own reports raise group_concat_max_len.
TEMPORARY_TABLE_BYTES = 512 * 2**20


@contextmanager
def _session(**settings):
	"""Session variables for the statements inside, put back after."""
	names = list(settings)
	previous = frappe.db.sql(f"select {', '.join(f'@@session.{n}' for n in names)}")[0]  # noqa: S608 — names are ours
	frappe.db.sql(f"set {', '.join(f'session {n} = %s' for n in names)}", tuple(settings.values()))  # noqa: S608
	try:
		yield
	finally:
		frappe.db.sql(f"set {', '.join(f'session {n} = %s' for n in names)}", tuple(int(v) for v in previous))  # noqa: S608


def long_concat():
	"""GROUP_CONCAT uncut for the statements inside: a customer's history, or a measure of
	every customer (the default is 1 MB, ~40,000 invoices)."""
	return _session(group_concat_max_len=4294967295)


def _large_groups():
	return _session(tmp_table_size=TEMPORARY_TABLE_BYTES, max_heap_table_size=TEMPORARY_TABLE_BYTES)


def _in_home_currency(amount, company_column, companies, rates):
	"""`amount` times its company's rate; a plain column where every rate is 1."""
	foreign = {c: rates[c] for c in companies if rates.get(c, 1.0) != 1.0}
	if not foreign:
		return amount
	factor = Case()
	for company, rate in foreign.items():
		factor = factor.when(company_column == company, rate)
	return amount * factor.else_(1)


def purchase_days(companies, customers=None, rates=None) -> list[tuple]:
	"""Per customer and day, in date order: basket (invoices), net (invoices and returns)
	and invoice count. MariaDB groups per customer (its index order) and hands each
	customer's invoices over as one string: half the time of streaming a million rows
	through the client, and a third of grouping per customer-day in the server."""
	rates = company_rates() if rates is None else rates
	si = frappe.qb.DocType("Sales Invoice")
	query = (
		frappe.qb.from_(si)
		.select(
			si.customer,
			GroupConcat(
				Concat(
					si.posting_date,
					" ",
					_in_home_currency(si.base_net_total, si.company, companies, rates),
					" ",
					si.is_return,
				)
			),
		)
		.where(si.docstatus == 1)
		.where(si.company.isin(companies))
		.groupby(si.customer)
	)
	if customers is not None:
		query = query.where(si.customer.isin(customers))
	# a customer's history must never be cut short
	with long_concat():
		rows = query.run()
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


def item_groups(companies, customers=None, rates=None):
	"""Per customer, item group and whether ERPNext knows the cost: first purchase,
	revenue, cost, and the premium lines' amounts at rate and at price-list rate."""
	rates = company_rates() if rates is None else rates
	si = frappe.qb.DocType("Sales Invoice")
	item = frappe.qb.DocType("Sales Invoice Item")
	known = Case().when(item.incoming_rate > 0, 1).else_(0)
	premium = (item.price_list_rate > 0) & (item.rate > item.price_list_rate)
	customer, group = Max(si.customer), Max(item.item_group)
	query = (
		frappe.qb.from_(item)
		.join(si)
		.on(si.name == item.parent)
		.select(
			customer,
			group,
			known,
			Min(si.posting_date),
			Sum(_in_home_currency(item.base_net_amount, si.company, companies, rates)),
			Sum(_in_home_currency(item.incoming_rate * item.stock_qty, si.company, companies, rates)),
			Sum(
				Case()
				.when(premium, _in_home_currency(item.base_rate * item.qty, si.company, companies, rates))
				.else_(0)
			),
			Sum(
				Case()
				.when(
					premium,
					_in_home_currency(item.base_price_list_rate * item.qty, si.company, companies, rates),
				)
				.else_(0)
			),
		)
		.where(si.docstatus == 1)
		.where(si.company.isin(companies))
		.where(item.parenttype == "Sales Invoice")
		# grouped on the names' bytes: a million rows hashed through the names' collation
		# (utf8mb4_unicode_ci) cost a third more. The same groups: both are links, stored as
		# the name they point to. Ordered as before, by collation: a customer's item groups
		# are summed in this order
		.groupby(Cast(si.customer, "BINARY"), Cast(item.item_group, "BINARY"), known)
		.orderby(customer)
		.orderby(group)
		.orderby(known)
	)
	if customers is not None:
		query = query.where(si.customer.isin(customers))
	with _large_groups():
		return query.run()


def payment_days(companies, customers=None, until: dt.date | None = None) -> list[tuple]:
	"""Per fully paid invoice: the customer, invoice date and the day it was fully paid,
	ordered by customer and payment day; with `until`, as the Payment Ledger stood that day
	(rows dated later unread: the backtest, analytics/backtest.py). Read from the Payment Ledger alone, grouped per
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
	if until is not None:
		query = query.where(ple.posting_date <= until)
	with _large_groups():
		rows = query.run()
	return sorted(rows, key=lambda r: (r[0], r[2]))


def read(customers: list[str] | None) -> Iterator[tuple[list, list, list]]:
	"""The three reads, for everyone at once or a chunk of customers at a time."""
	rates = company_rates()
	where = sorted(rates) or [""]
	if customers is None:
		yield purchase_days(where, rates=rates), item_groups(where, rates=rates), payment_days(where)
		return
	for start in range(0, len(customers), CHUNK):
		chunk = customers[start : start + CHUNK]
		# the Payment Ledger first: on a night, payment behaviour has just read the same
		# customers' payments, whose pages the invoice and item reads would push out of the
		# buffer pool; the invoices then, whose pages the item read joins with
		paid = payment_days(where, chunk)
		yield purchase_days(where, chunk, rates), item_groups(where, chunk, rates), paid
