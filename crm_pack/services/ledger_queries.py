"""The grouped reads behind CRM Customer figures: one query per ledger table.

Every query is restricted to the given customers (indexed by party/customer) or,
with `customers=None`, reads the whole table once, grouped. None runs per customer.

The queries run inside every invoice submit, so each is built with frappe.qb once
per process (values as named parameters, never formatted in) and reused.
"""

import datetime as dt
from functools import cache

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Max, Min, Sum
from pypika.terms import Parameter

from crm_pack.ledger.figures import GLGroup, OrderGroup, PLEGroup

CUSTOMERS = Parameter("%(customers)s")
ON_DATE = Parameter("%(on_date)s")


def _run(build, customers: list[str] | None, on_date: dt.date | None = None) -> list[tuple]:
	sql = _sql(build, customers is not None)
	return frappe.db.sql(sql, {"customers": tuple(customers or ()), "on_date": on_date})


@cache
def _sql(build, restricted: bool) -> str:
	query, column = build()
	if restricted:
		query = query.where(column.isin(CUSTOMERS))
	return query.get_sql()


def gl_groups(customers: list[str] | None, on_date: dt.date) -> list[GLGroup]:
	return [
		GLGroup(
			company=r[0],
			party=r[1],
			voucher_is_return=bool(r[2]),
			against_is_return=bool(r[3]),
			is_opening=bool(r[4]),
			positive=bool(r[5]),
			amount=float(r[6] or 0),
		)
		for r in _run(_gl_query, customers, on_date)
	]


def _gl_query():
	gle = frappe.qb.DocType("GL Entry")
	returned = frappe.qb.DocType("Sales Invoice").as_("returned")
	against_return = frappe.qb.DocType("Sales Invoice").as_("against_return")
	amount = gle.debit - gle.credit
	keys = (
		gle.company,
		gle.party,
		Case().when(returned.name.isnotnull(), 1).else_(0),
		Case().when(against_return.name.isnotnull(), 1).else_(0),
		Case().when(gle.is_opening == "Yes", 1).else_(0),
		Case().when(amount > 0, 1).else_(0),
	)
	query = (
		frappe.qb.from_(gle)
		.left_join(returned)
		.on(
			(returned.name == gle.voucher_no)
			& (gle.voucher_type == "Sales Invoice")
			& (returned.is_return == 1)
			& (returned.docstatus == 1)
		)
		.left_join(against_return)
		.on(
			(against_return.name == gle.against_voucher)
			& (gle.against_voucher_type == "Sales Invoice")
			& (against_return.is_return == 1)
			& (against_return.docstatus == 1)
		)
		.select(*keys, Sum(amount))
		.where(gle.is_cancelled == 0)
		.where(gle.party_type == "Customer")
		.where(gle.posting_date <= ON_DATE)
		.groupby(*keys)
	)
	return query, gle.party


def ple_groups(customers: list[str] | None, on_date: dt.date) -> list[PLEGroup]:
	return [
		PLEGroup(
			company=r[0],
			party=r[1],
			against_voucher_type=r[2],
			against_voucher_no=r[3],
			return_against=r[4] or None,
			amount=float(r[5] or 0),
			own_due_date=r[6],
			own_posting_date=r[7],
		)
		for r in _run(_ple_query, customers, on_date)
	]


def _ple_query():
	ple = frappe.qb.DocType("Payment Ledger Entry")
	ret = frappe.qb.DocType("Sales Invoice").as_("ret")
	own = ple.voucher_no == ple.against_voucher_no
	query = (
		frappe.qb.from_(ple)
		.left_join(ret)
		.on(
			(ret.name == ple.against_voucher_no)
			& (ple.against_voucher_type == "Sales Invoice")
			& (ret.is_return == 1)
			& (ret.docstatus == 1)
			# a credit note that keeps its own outstanding is a voucher of its own in AR
			& (ret.update_outstanding_for_self == 0)
		)
		.select(
			ple.company,
			ple.party,
			ple.against_voucher_type,
			ple.against_voucher_no,
			Max(ret.return_against),
			Sum(ple.amount),
			Max(Case().when(own, ple.due_date)),
			Min(Case().when(own, ple.posting_date)),
		)
		.where(ple.delinked == 0)
		.where(ple.party_type == "Customer")
		.where(ple.posting_date <= ON_DATE)
		.groupby(ple.company, ple.party, ple.against_voucher_type, ple.against_voucher_no)
	)
	return query, ple.party


def order_groups(customers: list[str] | None) -> list[OrderGroup]:
	return [
		OrderGroup(
			company=r[0],
			customer=r[1],
			status=r[2],
			count=int(r[3]),
			amount=float(r[4] or 0),
			unbilled_amount=float(r[5] or 0),
			first_date=r[6],
			last_date=r[7],
		)
		for r in _run(_order_query, customers)
	]


def _order_query():
	so = frappe.qb.DocType("Sales Order")
	# Value still to bill: the grand total times the share ERPNext has not billed yet.
	unbilled = Case().when(so.per_billed >= 100, 0).else_(so.base_grand_total * (100 - so.per_billed) / 100)
	query = (
		frappe.qb.from_(so)
		.select(
			so.company,
			so.customer,
			so.status,
			Count("*"),
			Sum(so.base_grand_total),
			Sum(unbilled),
			Min(so.transaction_date),
			Max(so.transaction_date),
		)
		.where(so.docstatus == 1)
		.groupby(so.company, so.customer, so.status)
	)
	return query, so.customer


def last_invoice_dates(customers: list[str] | None) -> list[tuple]:
	return [tuple(r) for r in _run(_last_invoice_query, customers)]


def _last_invoice_query():
	si = frappe.qb.DocType("Sales Invoice")
	query = (
		frappe.qb.from_(si)
		.select(si.company, si.customer, Max(si.posting_date))
		.where(si.docstatus == 1)
		.where(si.is_return == 0)
		.groupby(si.company, si.customer)
	)
	return query, si.customer
