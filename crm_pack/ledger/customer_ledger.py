"""One customer's ledger in one company for a period, as the reader may see it: the rows
behind the CRM Customer Ledger report and the statement of account (one set of reads, so
the two can never disagree).

Totals follow the General Ledger (GL Entry, not cancelled; opening = before From Date or
marked as opening), the ageing Accounts Receivable (Payment Ledger, by voucher and due
date). Bounded: only this customer's rows in the company are read (GL Entry and Payment
Ledger Entry are indexed by party) and the opening is summed in the database.

Rows are narrowed by the reader's match conditions on GL Entry / Payment Ledger Entry,
as General Ledger and Accounts Receivable narrow theirs; a background job runs as
Administrator and sees every row."""

import datetime as dt

import frappe
from erpnext.accounts.utils import build_qb_match_conditions
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import flt

from crm_pack.ledger import queries as ledger_queries
from crm_pack.ledger.rules.figures import PLEGroup


def may_see_company(company: str) -> bool:
	"""Read or select on this Company, as frappe checks a report's Link filter (a User
	Permission restricting the user to other companies denies it). The doctype is asked
	first: frappe 16.9 asked about one record of a doctype the user cannot read at all
	shows its refusal as a message, one dialog line per company."""
	for ptype in ("read", "select"):
		if frappe.has_permission("Company", ptype) and frappe.has_permission("Company", ptype, company):
			return True
	return False


def check_access(customer: str, company: str) -> None:
	"""The company as frappe checks a report's Link filter (read or select, which a User
	Permission restricting the user to other companies denies), the customer as its CRM
	record; the postings are then narrowed by the user's match conditions on GL Entry and
	Payment Ledger Entry, as General Ledger and Accounts Receivable narrow theirs."""
	if not may_see_company(company):
		frappe.throw(
			_("You may not see the books of Company {0}.").format(frappe.bold(company)),
			frappe.PermissionError,
		)
	frappe.has_permission("CRM Customer", "read", customer, throw=True)


def match_conditions(doctype: str) -> list:
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


def _customer_postings(customer: str, company: str, to_date: dt.date):
	"""The customer's GL Entry rows up to To Date in the company, as the user may see them."""
	gle = frappe.qb.DocType("GL Entry")
	query = (
		frappe.qb.from_(gle)
		.where(gle.company == company)
		.where(gle.party_type == "Customer")
		.where(gle.party == customer)
		.where(gle.is_cancelled == 0)
		.where(gle.posting_date <= to_date)
	)
	for criterion in match_conditions("GL Entry"):
		query = query.where(criterion)
	return gle, query


def _is_opening(gle, from_date):
	# the General Ledger's rule: before From Date, or marked as an opening entry
	return (gle.posting_date < from_date) | (Coalesce(gle.is_opening, "No") == "Yes")


def opening(customer: str, company: str, from_date: dt.date, to_date: dt.date) -> float:
	"""Summed in the database: however long the history, one row comes back."""
	gle, query = _customer_postings(customer, company, to_date)
	amount = Case().when(_is_opening(gle, from_date), gle.debit - gle.credit).else_(0)
	return flt(query.select(Sum(amount)).run()[0][0])


def postings(customer: str, company: str, from_date: dt.date, to_date: dt.date) -> list[dict]:
	"""The period's postings in date order (debit and credit in the company's currency)."""
	gle, query = _customer_postings(customer, company, to_date)
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
		.where(gle.posting_date >= from_date)
		.where(Coalesce(gle.is_opening, "No") != "Yes")
		.orderby(gle.posting_date)
		.orderby(gle.creation)
		.run(as_dict=True)
	)


def open_vouchers(customer: str, company: str, as_of: dt.date) -> list[PLEGroup]:
	"""The Payment Ledger by voucher up to the date, as Accounts Receivable reads it."""
	return ledger_queries.customer_ple_groups(
		customer, company, as_of, match_conditions("Payment Ledger Entry")
	)


def companies(customer: str) -> list[str]:
	"""The companies in which the customer has postings (GL Entry is indexed by party)."""
	gle = frappe.qb.DocType("GL Entry")
	return (
		frappe.qb.from_(gle)
		.select(gle.company)
		.distinct()
		.where(gle.party_type == "Customer")
		.where(gle.party == customer)
		.where(gle.is_cancelled == 0)
		.orderby(gle.company)
		.run(pluck=True)
	)
