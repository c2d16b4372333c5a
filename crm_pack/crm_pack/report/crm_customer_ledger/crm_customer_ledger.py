"""CRM Customer Ledger: every posting of a customer with a running balance, opening and
closing balance, and the open amount aged by due date.

Its totals are the General Ledger's for the same filters (GL Entry, not cancelled;
opening = before From Date or marked as opening) and its ageing is Accounts
Receivable's (Payment Ledger, by voucher and due date). It shows only customers the
user may read as CRM Customer."""

import frappe
from frappe import _
from frappe.utils import flt, getdate

from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger.rules.ageing import age, bucket_labels, parse_ranges
from crm_pack.ledger.rules.figures import voucher_balances


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	_validate(filters)
	customers = _permitted_customers(filters)
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	columns = _columns(currency)
	if not customers:
		return columns, [], None, None, []
	postings = _postings(filters, customers)
	data = _rows(filters, customers, postings)
	for row in data:
		row["currency"] = currency
	ageing = _ageing(filters, customers)
	return columns, data, None, _chart(ageing, filters), _summary(ageing, data, currency)


def _validate(filters):
	if not filters.company:
		frappe.throw(_("Choose a Company."))
	if not (filters.from_date and filters.to_date):
		frappe.throw(_("Choose From Date and To Date."))
	filters.from_date, filters.to_date = getdate(filters.from_date), getdate(filters.to_date)
	if filters.from_date > filters.to_date:
		frappe.throw(_("From Date {0} is after To Date {1}.").format(filters.from_date, filters.to_date))


def _permitted_customers(filters) -> list[str]:
	if filters.customer:
		frappe.has_permission("CRM Customer", "read", filters.customer, throw=True)
		return [filters.customer]
	return frappe.get_list("CRM Customer", pluck="name", limit_page_length=0, order_by="name")


def _postings(filters, customers):
	gle = frappe.qb.DocType("GL Entry")
	return (
		frappe.qb.from_(gle)
		.select(
			gle.party,
			gle.posting_date,
			gle.voucher_type,
			gle.voucher_no,
			gle.against_voucher_type,
			gle.against_voucher,
			gle.debit,
			gle.credit,
			gle.is_opening,
			gle.remarks,
		)
		.where(gle.company == filters.company)
		.where(gle.party_type == "Customer")
		.where(gle.party.isin(customers))
		.where(gle.is_cancelled == 0)
		.where(gle.posting_date <= filters.to_date)
		.orderby(gle.party)
		.orderby(gle.posting_date)
		.orderby(gle.creation)
		.run(as_dict=True)
	)


def _rows(filters, customers, postings) -> list[dict]:
	by_customer: dict[str, list] = {}
	for p in postings:
		by_customer.setdefault(p.party, []).append(p)
	data = []
	for customer in customers:
		entries = by_customer.get(customer)
		if not entries:
			continue
		opening = sum(
			flt(p.debit) - flt(p.credit)
			for p in entries
			if p.posting_date < filters.from_date or p.is_opening == "Yes"
		)
		data.append(_total_row(customer, _("Opening"), opening, None, None))
		balance, debit, credit = opening, 0.0, 0.0
		for p in entries:
			if p.posting_date < filters.from_date or p.is_opening == "Yes":
				continue
			balance += flt(p.debit) - flt(p.credit)
			debit += flt(p.debit)
			credit += flt(p.credit)
			data.append(
				{
					"customer": customer,
					"posting_date": p.posting_date,
					"voucher_type": p.voucher_type,
					"voucher_no": p.voucher_no,
					"against_voucher_type": p.against_voucher_type,
					"against_voucher": p.against_voucher,
					"debit": flt(p.debit),
					"credit": flt(p.credit),
					"balance": balance,
					"remarks": p.remarks,
				}
			)
		data.append(_total_row(customer, _("Total"), None, debit, credit))
		data.append(_total_row(customer, _("Closing (Opening + Total)"), balance, None, None))
	return data


def _total_row(customer, label, balance, debit, credit) -> dict:
	return {
		"customer": customer,
		"voucher_type": label,
		"debit": debit,
		"credit": credit,
		"balance": balance,
		"bold": 1,
		"is_total_row": 1,
	}


def _ageing(filters, customers) -> dict:
	groups = [
		g for g in ledger_queries.ple_groups(customers, filters.to_date) if g.company == filters.company
	]
	return age(voucher_balances(groups).values(), filters.to_date, parse_ranges(filters.range))


def _chart(ageing, filters) -> dict:
	labels = [_("Not Due"), *bucket_labels(parse_ranges(filters.range))]
	return {
		"data": {
			"labels": labels,
			"datasets": [{"name": _("Open"), "values": [ageing["not_due"], *ageing["buckets"]]}],
		},
		"type": "bar",
	}


def _summary(ageing, data, currency) -> list[dict]:
	closing = sum(r["balance"] for r in data if r.get("voucher_type") == _("Closing (Opening + Total)"))
	overdue = sum(ageing["buckets"])
	return [
		{"label": _("Closing Balance"), "value": closing, "datatype": "Currency", "currency": currency},
		{
			"label": _("Open (Payment Ledger)"),
			"value": ageing["total"],
			"datatype": "Currency",
			"currency": currency,
		},
		{
			"label": _("Due"),
			"value": overdue,
			"datatype": "Currency",
			"currency": currency,
			"indicator": "Red" if overdue > 0 else "Green",
		},
	]


def _columns(currency) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 130}
	return [
		{
			"label": _("Customer"),
			"fieldname": "customer",
			"fieldtype": "Link",
			"options": "CRM Customer",
			"width": 170,
		},
		{"label": _("Posting Date"), "fieldname": "posting_date", "fieldtype": "Date", "width": 100},
		{"label": _("Voucher Type"), "fieldname": "voucher_type", "fieldtype": "Data", "width": 140},
		{
			"label": _("Voucher"),
			"fieldname": "voucher_no",
			"fieldtype": "Dynamic Link",
			"options": "voucher_type",
			"width": 170,
		},
		{"label": _("Against Type"), "fieldname": "against_voucher_type", "fieldtype": "Data", "width": 120},
		{
			"label": _("Against"),
			"fieldname": "against_voucher",
			"fieldtype": "Dynamic Link",
			"options": "against_voucher_type",
			"width": 170,
		},
		{"label": _("Debit"), "fieldname": "debit", **money},
		{"label": _("Credit"), "fieldname": "credit", **money},
		{"label": _("Balance"), "fieldname": "balance", **money},
		{"label": _("Remarks"), "fieldname": "remarks", "fieldtype": "Data", "width": 200},
	]
