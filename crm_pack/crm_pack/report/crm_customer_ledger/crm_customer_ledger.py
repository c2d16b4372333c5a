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
from erpnext.accounts.utils import build_qb_match_conditions
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import flt, getdate

from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger.rules.ageing import age, bucket_labels, parse_ranges
from crm_pack.ledger.rules.figures import voucher_balances


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
	"""The company as frappe checks a report's Link filter (read or select, which a User
	Permission restricting the user to other companies denies), the customer as its CRM
	record; the postings are then narrowed by the user's match conditions on GL Entry and
	Payment Ledger Entry, as General Ledger and Accounts Receivable narrow theirs."""
	if not (
		frappe.has_permission("Company", "read", filters.company)
		or frappe.has_permission("Company", "select", filters.company)
	):
		frappe.throw(
			_("You may not see the books of Company {0}.").format(frappe.bold(filters.company)),
			frappe.PermissionError,
		)
	frappe.has_permission("CRM Customer", "read", filters.customer, throw=True)


def _match_conditions(doctype: str) -> list:
	"""The user's match conditions on a ledger doctype. Someone with a role on it (accounts
	staff) gets ERPNext's own, as General Ledger and Accounts Receivable apply them. A CRM
	user reads the ledger through the CRM Customer with no role on GL Entry, for whom
	frappe would add no User Permission at all: theirs narrow the same Link fields the
	same way (empty or permitted; permitted only under strict user permissions)."""
	meta = frappe.get_meta(doctype)
	roles = frappe.permissions.get_role_permissions(meta)
	if roles.get("read") or roles.get("select"):
		return build_qb_match_conditions(doctype)
	table = frappe.qb.DocType(doctype)
	strict = frappe.get_system_settings("apply_strict_user_permissions")
	allowed = frappe.permissions.get_user_permissions(frappe.session.user)
	criteria = []
	for df in meta.get_link_fields():
		if df.ignore_user_permissions:
			continue
		docs = [
			p.get("doc")
			for p in allowed.get(df.options, [])
			if p.get("applicable_for") in (None, "", doctype)
		]
		if docs:
			field = table[df.fieldname]
			criteria.append(field.isin(docs) if strict else (Coalesce(field, "") == "") | field.isin(docs))
	return criteria


def _customer_postings(filters):
	"""The customer's GL Entry rows up to To Date in the company, as the user may see them."""
	gle = frappe.qb.DocType("GL Entry")
	query = (
		frappe.qb.from_(gle)
		.where(gle.company == filters.company)
		.where(gle.party_type == "Customer")
		.where(gle.party == filters.customer)
		.where(gle.is_cancelled == 0)
		.where(gle.posting_date <= filters.to_date)
	)
	for criterion in _match_conditions("GL Entry"):
		query = query.where(criterion)
	return gle, query


def _is_opening(gle, filters):
	# the General Ledger's rule: before From Date, or marked as an opening entry
	return (gle.posting_date < filters.from_date) | (Coalesce(gle.is_opening, "No") == "Yes")


def _opening(filters) -> float:
	"""Summed in the database: however long the history, one row comes back."""
	gle, query = _customer_postings(filters)
	amount = Case().when(_is_opening(gle, filters), gle.debit - gle.credit).else_(0)
	return flt(query.select(Sum(amount)).run()[0][0])


def _postings(filters):
	gle, query = _customer_postings(filters)
	return (
		query.select(
			gle.posting_date,
			gle.voucher_type,
			gle.voucher_no,
			gle.against_voucher_type,
			gle.against_voucher,
			gle.debit,
			gle.credit,
			gle.remarks,
		)
		.where(gle.posting_date >= filters.from_date)
		.where(Coalesce(gle.is_opening, "No") != "Yes")
		.orderby(gle.posting_date)
		.orderby(gle.creation)
		.run(as_dict=True)
	)


def _rows(filters, opening, postings) -> list[dict]:
	customer = filters.customer
	data = [_total_row(customer, _("Opening"), opening, None, None)]
	balance, debit, credit = opening, 0.0, 0.0
	for p in postings:
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


def _ageing(filters) -> dict:
	groups = ledger_queries.customer_ple_groups(
		filters.customer,
		filters.company,
		filters.to_date,
		_match_conditions("Payment Ledger Entry"),
	)
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
