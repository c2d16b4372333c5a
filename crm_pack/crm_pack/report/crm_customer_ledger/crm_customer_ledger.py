"""CRM Customer Ledger: every posting of a customer with a running balance, opening and
closing balance, and the open amount aged by due date.

Its totals are the General Ledger's for the same filters (GL Entry, not cancelled;
opening = before From Date or marked as opening) and its ageing is Accounts
Receivable's (Payment Ledger, by voucher and due date).

Bounded: it needs a customer and reads only that customer's rows in the company (GL
Entry and Payment Ledger Entry are indexed by party), the opening balance summed in the
database. Access: the user must be allowed the company (read or select, User
Permissions included) and the customer (read on its CRM Customer), and the rows are
narrowed by the user's match conditions on GL Entry / Payment Ledger Entry, with
ERPNext's own helper, as General Ledger and Accounts Receivable narrow theirs."""

import frappe
from frappe import _
from frappe.utils import getdate

from crm_pack.ledger import customer_ledger
from crm_pack.ledger.rules.ageing import age, bucket_labels, parse_ranges
from crm_pack.ledger.rules.figures import voucher_balances
from crm_pack.ledger.rules.running import running_balance


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	_validate(filters)
	_check_access(filters)
	currency = frappe.get_cached_value("Company", filters.company, "default_currency")
	columns = _columns(currency)
	opening = _opening(filters)
	data = _rows(filters, opening, _postings(filters))
	for row in data:
		row["currency"] = currency
	ageing = _ageing(filters)
	return columns, data, None, _chart(ageing, filters), _summary(ageing, data, currency)


def _validate(filters):
	if not filters.company:
		frappe.throw(_("Choose a Company."))
	# One customer per run: the report reads only that customer's postings (indexed by
	# party), so its cost never grows with the company's other customers.
	if not filters.customer:
		frappe.throw(_("Choose a Customer: the ledger shows one customer at a time."))
	if not (filters.from_date and filters.to_date):
		frappe.throw(_("Choose From Date and To Date."))
	filters.from_date, filters.to_date = getdate(filters.from_date), getdate(filters.to_date)
	if filters.from_date > filters.to_date:
		frappe.throw(
			_("From Date {0} is after To Date {1}.").format(
				frappe.utils.formatdate(filters.from_date), frappe.utils.formatdate(filters.to_date)
			)
		)


def _check_access(filters):
	customer_ledger.check_access(filters.customer, filters.company)


def _opening(filters) -> float:
	return customer_ledger.opening(filters.customer, filters.company, filters.from_date, filters.to_date)


def _postings(filters) -> list[dict]:
	return customer_ledger.postings(filters.customer, filters.company, filters.from_date, filters.to_date)


def _rows(filters, opening, postings) -> list[dict]:
	customer = filters.customer
	running = running_balance(opening, postings)
	data = [_total_row(customer, _("Opening"), opening, None, None)]
	for p in running.lines:
		data.append(
			{
				"customer": customer,
				"posting_date": p["posting_date"],
				"voucher_type": p["voucher_type"],
				"voucher_no": p["voucher_no"],
				"against_voucher_type": p["against_voucher_type"],
				"against_voucher": p["against_voucher"],
				"debit": p["debit"],
				"credit": p["credit"],
				"balance": p["balance"],
				"remarks": p["remarks"],
			}
		)
	data.append(_total_row(customer, _("Total"), None, running.debit, running.credit))
	data.append(_total_row(customer, _("Closing (Opening + Total)"), running.closing, None, None))
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


def _ageing(filters) -> dict:
	groups = customer_ledger.open_vouchers(filters.customer, filters.company, filters.to_date)
	return age(voucher_balances(groups).values(), filters.to_date, parse_ranges(filters.range))


def _chart(ageing, filters) -> dict:
	labels = [_("Not Due"), *bucket_labels(parse_ranges(filters.range))]
	return {
		"data": {
			"labels": labels,
			"datasets": [{"name": _("Outstanding"), "values": [ageing["not_due"], *ageing["buckets"]]}],
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
	# wide enough for a bold total row: a date in any of frappe's formats, and a balance
	# of nine digits with separators and currency symbol, shown whole (not cut with "...")
	money = {"fieldtype": "Currency", "options": "currency", "width": 160}
	return [
		{
			"label": _("Customer"),
			"fieldname": "customer",
			"fieldtype": "Link",
			"options": "CRM Customer",
			"width": 200,
		},
		{"label": _("Posting Date"), "fieldname": "posting_date", "fieldtype": "Date", "width": 120},
		{"label": _("Voucher Type"), "fieldname": "voucher_type", "fieldtype": "Data", "width": 200},
		{
			"label": _("Voucher"),
			"fieldname": "voucher_no",
			"fieldtype": "Dynamic Link",
			"options": "voucher_type",
			"width": 200,
		},
		{"label": _("Against Type"), "fieldname": "against_voucher_type", "fieldtype": "Data", "width": 120},
		{
			"label": _("Against"),
			"fieldname": "against_voucher",
			"fieldtype": "Dynamic Link",
			"options": "against_voucher_type",
			"width": 200,
		},
		{"label": _("Debit"), "fieldname": "debit", **money},
		{"label": _("Credit"), "fieldname": "credit", **money},
		{"label": _("Balance"), "fieldname": "balance", **money},
		{"label": _("Remarks"), "fieldname": "remarks", "fieldtype": "Data", "width": 200},
	]
