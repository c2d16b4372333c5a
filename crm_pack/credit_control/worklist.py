"""The collector's worklist: one row per customer and company with an overdue amount,
what is known about the relationship, and the next action.

Access is three rules at once: the report's role; the companies the user may read
(read or select on Company, so a User Permission restricting them to other companies
hides those companies' rows); and crm_pack's record rule on CRM Customer, applied by
reading the customers through `frappe.get_list` (permissions.py). A non-manager sees
"my customers" by default: those they collect or own.

The overdue amount and the oldest overdue due date are read live from the Payment
Ledger with the ledger's rule (`ledger/queries.overdue_by_company`), so a row equals
Accounts Receivable's overdue for that customer and company today, even before the
nightly recompute has moved the stored figures with the calendar. Candidates are the
customers whose stored balance shows an outstanding amount in a permitted company.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Max
from frappe.utils import cint, flt, getdate, nowdate

from crm_pack import texts
from crm_pack.credit_control.rules import worklist as rules
from crm_pack.ledger import customer_ledger
from crm_pack.ledger import queries as ledger_queries
from crm_pack.utils.rendered_texts import renderer

# who sees every customer's row by default rather than only their own
MANAGERS = {"Accounts Manager", "CRM Manager", "System Manager"}
OPEN_COMPLAINT_STATUSES = ("Open", "Replied", "On Hold")
CUSTOMER_FIELDS = (
	"name",
	"customer_name",
	"currency",
	"relationship_owner",
	"collector",
	"collection_level",
	"open_promise_amount",
	"open_promise_date",
	"disputed_amount",
)


def is_manager(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(MANAGERS & set(frappe.get_roles(user)))


def permitted_companies() -> list[str]:
	"""Companies whose books the user may see (read or select, User Permissions included)."""
	return [
		c
		for c in frappe.get_all("Company", pluck="name", order_by="name")
		if customer_ledger.may_see_company(c)
	]


def _companies(filters) -> list[str]:
	allowed = permitted_companies()
	if filters.get("company"):
		if filters.company not in allowed:
			frappe.throw(
				_("You may not see the books of Company {0}.").format(frappe.bold(filters.company)),
				frappe.PermissionError,
			)
		return [filters.company]
	return allowed


def _customers(filters, companies: list[str], amount: str = "outstanding_amount") -> list[dict]:
	balance = "CRM Customer Company Balance"
	conditions = [
		[balance, amount, ">", 0],
		[balance, "company", "in", companies],
	]
	if filters.get("collector"):
		conditions.append(["CRM Customer", "collector", "=", filters.collector])
	if filters.get("level") not in (None, ""):
		conditions.append(["CRM Customer", "collection_level", "=", cint(filters.level)])
	if filters.get("customer"):
		conditions.append(["CRM Customer", "name", "=", filters.customer])
	or_conditions = None
	if cint(filters.get("my_customers")):
		me = frappe.session.user
		or_conditions = [
			["CRM Customer", "collector", "=", me],
			["CRM Customer", "relationship_owner", "=", me],
		]
	return frappe.get_list(
		"CRM Customer",
		filters=conditions,
		or_filters=or_conditions,
		fields=[f"`tabCRM Customer`.`{f}`" for f in CUSTOMER_FIELDS],
		distinct=True,
		limit_page_length=0,
	)


def _balances(names: list[str], companies: list[str]) -> dict[tuple, dict]:
	bal = frappe.qb.DocType("CRM Customer Company Balance")
	rows = (
		frappe.qb.from_(bal)
		.select(bal.parent, bal.company, bal.currency, bal.late_order_count, bal.late_order_amount)
		.where(bal.parenttype == "CRM Customer")
		.where(bal.parent.isin(names))
		.where(bal.company.isin(companies))
		.run(as_dict=True)
	)
	return {(r.parent, r.company): r for r in rows}


def _contacts(names: list[str]) -> tuple[dict, dict]:
	"""Latest interaction per customer, and its open complaints."""
	ci = frappe.qb.DocType("Customer Interaction")
	last = dict(
		frappe.qb.from_(ci)
		.select(ci.customer, Max(ci.interaction_datetime))
		.where(ci.customer.isin(names))
		.groupby(ci.customer)
		.run()
	)
	complaints = dict(
		frappe.qb.from_(ci)
		.select(ci.customer, Count("*"))
		.where(ci.customer.isin(names))
		.where(ci.interaction_type == "Complaint")
		.where(ci.status.isin(OPEN_COMPLAINT_STATUSES))
		.groupby(ci.customer)
		.run()
	)
	return last, complaints


def _shown(render, action: tuple[str, tuple]) -> str:
	"""The next action in the reader's language, dates and amounts in their formats."""
	template, args = action
	return render.pairs([(template, [texts.argument(a) for a in args])])[0]


def rows(filters: dict | None = None, today: dt.date | None = None) -> list[dict]:
	"""The worklist's rows for the current user, largest overdue first."""
	filters = frappe._dict(filters or {})
	today = getdate(today or nowdate())
	companies = _companies(filters)
	if not companies:
		return []
	# owed now, or overdue by the stored figure (a payment received today leaves nothing
	# owed while Accounts Receivable still shows the invoices overdue: they stay on the list)
	customers = {
		c.name: c
		for amount in ("outstanding_amount", "overdue_amount")
		for c in _customers(filters, companies, amount=amount)
	}
	if not customers:
		return []
	names = sorted(customers)
	overdue = ledger_queries.overdue_by_company(names, today, companies)
	balances = _balances(names, companies)
	last_contact, complaints = _contacts(names)
	render = renderer()
	out = []
	for (company, name), (amount, oldest, unallocated) in overdue.items():
		if amount < rules.ZERO or name not in customers:
			continue
		c = customers[name]
		balance = balances.get((name, company)) or frappe._dict()
		contact = last_contact.get(name)
		oldest = getdate(oldest) if oldest else None
		currency = balance.currency or frappe.get_cached_value("Company", company, "default_currency")
		facts = rules.WorklistRow(
			overdue_amount=amount,
			oldest_due_date=oldest,
			collection_level=cint(c.collection_level),
			last_contact=getdate(contact) if contact else None,
			open_promise_amount=flt(c.open_promise_amount),
			open_promise_date=getdate(c.open_promise_date) if c.open_promise_date else None,
			disputed_amount=flt(c.disputed_amount),
			open_complaints=cint(complaints.get(name)),
			late_order_count=cint(balance.late_order_count),
			unallocated_credit=unallocated,
			currency=currency,
			record_currency=c.currency,
		)
		out.append(
			{
				"customer": name,
				"customer_name": c.customer_name,
				"company": company,
				"currency": currency,
				"customer_currency": c.currency,
				"overdue_amount": amount,
				"oldest_due_date": oldest,
				"days_overdue": rules.days_overdue(oldest, today),
				"collection_level": facts.collection_level,
				"last_contact": contact,
				"open_promise_amount": facts.open_promise_amount,
				"open_promise_date": facts.open_promise_date,
				"disputed_amount": facts.disputed_amount,
				"open_complaints": facts.open_complaints,
				"relationship_owner": c.relationship_owner,
				"collector": c.collector,
				"late_order_count": facts.late_order_count,
				"late_order_amount": flt(balance.late_order_amount),
				"next_action": _shown(render, rules.next_action(facts, today)),
			}
		)
	out.sort(key=lambda r: rules.sort_key(r["overdue_amount"], r["oldest_due_date"]))
	return out


def count_customers(filters: dict | None = None) -> int:
	"""Customers to chase (one overdue in two companies counts once), from the stored
	per-company overdue: the ledger keeps it true and the nightly recompute moves it with
	the calendar, so the workspace card costs one permission-aware query, not the live
	ledger read the report does."""
	filters = frappe._dict(filters or {})
	companies = _companies(filters)
	return len(_customers(filters, companies, amount="overdue_amount")) if companies else 0


def default_filters() -> dict:
	"""Where the reader's worklist opens: their own customers when they collect or own any
	that is overdue; everyone's for managers, and for a collector nobody has assigned
	customers to yet (an empty "my" list would say nobody is overdue when many are)."""
	if is_manager():
		return {"my_customers": 0}
	companies = permitted_companies()
	mine = companies and _customers(frappe._dict(my_customers=1), companies, amount="overdue_amount")
	return {"my_customers": 1 if mine else 0}


def per_company(rows_: list[dict]) -> dict[str, float]:
	totals: dict[str, float] = defaultdict(float)
	for r in rows_:
		totals[r["company"]] += r["overdue_amount"]
	return dict(totals)


def unassigned_steps(customers: list[str]) -> int:
	"""Calls, visits and letters the daily run logged with nobody to do them (no collector,
	Default Collector, owner or Account Manager who can sign in): counted where the
	collectors look, not left as an Error Log."""
	if not customers:
		return 0
	ci = frappe.qb.DocType("Customer Interaction")
	return (
		frappe.qb.from_(ci)
		.select(Count("*"))
		.where(ci.customer.isin(customers))
		.where(ci.interaction_type == "Payment Reminder")
		.where(ci.follow_up_date.isnotnull() & (ci.follow_up_done == 0))
		.where(ci.handled_by.isnull() | (ci.handled_by == ""))
		.run()[0][0]
	)
