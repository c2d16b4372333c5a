"""The grouped reads behind CRM Customer figures, in one round trip.

Seven grouped selects — GL Entry (billed/paid), Payment Ledger Entry (outstanding and
overdue), Sales Order (orders), Sales Invoice (last invoice), Sales Order Item (late
orders), Delivery Note Item (unbilled deliveries, for the credit check) and Customer
Credit Limit (the customer's and its group's limits) — are sent as one UNION ALL: they
run inside every invoice submit, where each round trip counts.
Every part is restricted to the given customers (indexed by party/customer) or, with
`customers=None`, reads its whole table once, grouped. Nothing runs per customer. A
refresh leaves out the order and delivery parts for a customer who has none, unless its
transaction may have given it some (`kinds_for`, CRM Customer.ledger_parts); for a
customer without credit notes it reads the GL and the receivables without looking each
posting's invoice up to ask whether it is a return (two key lookups per posting, a third
of the read at 60 open invoices), unless its transaction posted or cancelled one.

Receivables are summed per voucher and then per customer in the database, so a
refresh reads a handful of rows however long the customer's history ("ar"); the
voucher-by-voucher rows ("ple") serve the ledger report's ageing.

The statement is built with frappe.qb once per process (values are named parameters,
never formatted in). Each part selects the same 12 positions:
kind, company, party, s1..s4 (keys), a1, a2 (amounts), d1, d2 (dates), n (count).
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Abs, Coalesce, Count, Max, Min, NullIf, Sum
from pypika.terms import Field, NullValue, Parameter, ValueWrapper

from crm_pack.ledger.rules.figures import (
	NOT_LATE_ORDER_STATUSES,
	ZERO,
	CreditLimitRow,
	GLGroup,
	LateOrderGroup,
	OrderGroup,
	PLEGroup,
	ReceivableGroup,
)

CUSTOMERS = Parameter("%(customers)s")
ON_DATE = Parameter("%(on_date)s")
KINDS = ("gl", "ar", "so", "si", "late", "dn", "cl")
# read for everyone; orders ("so", "late") and delivery notes ("dn") only for customers who
# have them, unless the transaction may have given them some (ledger/events.py)
ALWAYS = ("gl", "ar", "si", "cl")
# in ledger_parts: the last full read found no posting of or against a credit note, so the
# next refresh may read "gl" and "ar" as "gl_nr" and "ar_nr" (the same rows, no return lookups).
# Marked by its absence being the safe side: a record stored before this token existed reads
# everything until its next refresh.
NO_RETURNS = "nr"
WITHOUT_RETURNS = {"gl": "gl_nr", "ar": "ar_nr"}
# MariaDB's optimizer intersects GL Entry's `party` and `(party_type, party)` indexes for the
# customer's rows, 1.2-1.3x slower than reading one of them; off for the ledger read only.
_READ_HINT = "SET STATEMENT optimizer_switch='index_merge_intersection=off' FOR "


def kinds_for(parts: str | None) -> tuple[str, ...]:
	"""The kinds to read for a customer whose last refresh stored `parts` (CRM Customer
	.ledger_parts; empty: not known yet, everything)."""
	if not parts:
		return KINDS
	stored = set(parts.split(","))
	kinds = tuple(k for k in KINDS if k in stored or k in ALWAYS)
	if NO_RETURNS in stored:
		kinds = tuple(WITHOUT_RETURNS.get(k, k) for k in kinds)
	return kinds


@dataclass
class LedgerGroups:
	gl: list[GLGroup]
	receivable: list[ReceivableGroup]
	orders: list[OrderGroup]
	last_invoices: list[tuple]
	ple: list[PLEGroup]
	late_orders: list[LateOrderGroup] = field(default_factory=list)
	unbilled_deliveries: list[tuple] = field(default_factory=list)
	credit_limits: list[CreditLimitRow] = field(default_factory=list)
	# customers with submitted orders / with delivery notes made without order or invoice
	ordered: set[str] = field(default_factory=set)
	delivered: set[str] = field(default_factory=set)
	# customers with a GL posting of or against a credit note
	with_returns: set[str] = field(default_factory=set)

	def parts(self, customer: str) -> str:
		"""The kinds a refresh of this customer reads next time (see `kinds_for`)."""
		wanted = set(ALWAYS)
		if customer in self.ordered:
			wanted |= {"so", "late"}
		if customer in self.delivered:
			wanted.add("dn")
		parts = [k for k in KINDS if k in wanted]
		if customer not in self.with_returns:
			parts.append(NO_RETURNS)
		return ",".join(parts)

	def companies(self) -> set[str]:
		groups = (*self.gl, *self.receivable, *self.orders, *self.late_orders)
		return (
			{g.company for g in groups}
			| {r[0] for r in self.last_invoices}
			| {r[0] for r in self.unbilled_deliveries}
		)


def read_groups(
	customers: list[str] | None, on_date: dt.date, kinds: tuple[str, ...] = KINDS
) -> LedgerGroups:
	rows = frappe.db.sql(
		_read_hint() + _sql(kinds, customers is not None),
		{"customers": tuple(customers or ()), "on_date": on_date},
	)
	out = LedgerGroups([], [], [], [], [])
	for kind, company, party, s1, s2, s3, s4, a1, a2, d1, d2, n in rows:
		if kind == "gl":
			# UNION gives a column the type its parts share, so the 0/1 flags may come back as text
			flags = [int(v or 0) == 1 for v in (s1, s2, s3, s4)]
			if flags[0] or flags[1]:
				out.with_returns.add(party)
			out.gl.append(GLGroup(company, party, *flags, float(a1 or 0)))
		elif kind == "ar":
			out.receivable.append(ReceivableGroup(company, party, float(a1 or 0), float(a2 or 0), int(n)))
		elif kind == "ple":
			out.ple.append(PLEGroup(company, party, s1, s2, s3 or None, float(a1 or 0), d1, d2))
		elif kind == "so":
			out.ordered.add(party)
			out.orders.append(OrderGroup(company, party, s1, int(n), float(a1 or 0), float(a2 or 0), d1, d2))
		elif kind == "late":
			out.late_orders.append(LateOrderGroup(company, party, int(n), float(a1 or 0)))
		elif kind == "dn":
			out.delivered.add(party)
			if int(n or 0):  # only closed ones: nothing unbilled
				out.unbilled_deliveries.append((company, party, float(a1 or 0)))
		elif kind == "cl":
			of_group, bypass = (int(v or 0) == 1 for v in (s1, s2))
			out.credit_limits.append(CreditLimitRow(company, party, of_group, bypass, float(a1 or 0)))
		else:
			out.last_invoices.append((company, party, d1))
	return out


def ple_groups(customers: list[str] | None, on_date: dt.date) -> list[PLEGroup]:
	return read_groups(customers, on_date, kinds=("ple",)).ple


def customer_ple_groups(customer: str, company: str, on_date: dt.date, criteria=()) -> list[PLEGroup]:
	"""One customer's Payment Ledger by voucher in one company, narrowed by `criteria` (the
	user's match conditions on Payment Ledger Entry). Built per call, not cached: the
	criteria differ per user; frappe.qb sends every value as a parameter."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	query = _ple_query(True, customers=(customer,), on_date=on_date).where(ple.company == company)
	for criterion in criteria:
		query = query.where(criterion)
	return [
		PLEGroup(company, party, s1, s2, s3 or None, float(a1 or 0), d1, d2)
		for _kind, company, party, s1, s2, s3, _s4, a1, _a2, d1, d2, _n in query.run()
	]


def _read_hint() -> str:
	return _READ_HINT if frappe.db.db_type == "mariadb" else ""


@cache
def _sql(kinds: tuple[str, ...], restricted: bool) -> str:
	union = None
	for kind in kinds:
		query = BUILDERS[kind](restricted)
		union = query if union is None else union.union_all(query)
	return union.get_sql()


def _row(kind, company, party, s=(), a=(), d=(), n=None):
	pad = lambda values, size: [*values, *[NullValue()] * (size - len(values))]  # noqa: E731
	return [
		ValueWrapper(kind),
		company,
		party,
		*pad(s, 4),
		*pad(a, 2),
		*pad(d, 2),
		n if n is not None else NullValue(),
	]


def _restrict(query, column, restricted: bool, customers=CUSTOMERS):
	return query.where(column.isin(customers)) if restricted else query


def _gl_query(restricted: bool, returns: bool = True):
	"""`returns`: look up whether each posting is of or against a credit note; without, both
	flags are 0 (for a customer known to have none: `kinds_for`)."""
	gle = frappe.qb.DocType("GL Entry")
	amount = gle.debit - gle.credit
	query = frappe.qb.from_(gle)
	if returns:
		returned = frappe.qb.DocType("Sales Invoice").as_("returned")
		against_return = frappe.qb.DocType("Sales Invoice").as_("against_return")
		query = (
			query.left_join(returned)
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
		)
		return_flags = (
			Case().when(returned.name.isnotnull(), 1).else_(0),
			Case().when(against_return.name.isnotnull(), 1).else_(0),
		)
	else:
		return_flags = (ValueWrapper(0), ValueWrapper(0))
	other_flags = (Case().when(gle.is_opening == "Yes", 1).else_(0), Case().when(amount > 0, 1).else_(0))
	query = (
		query.select(*_row("gl", gle.company, gle.party, s=(*return_flags, *other_flags), a=(Sum(amount),)))
		.where(gle.is_cancelled == 0)
		.where(gle.party_type == "Customer")
		.where(gle.posting_date <= ON_DATE)
		.groupby(gle.company, gle.party, *(return_flags if returns else ()), *other_flags)
	)
	return _restrict(query, gle.party, restricted)


def _open_payment_ledger(on_date=ON_DATE, returns: bool = True):
	"""Customer postings of the Payment Ledger up to the date, as Accounts Receivable reads
	them, joined to the credit note they are against when that credit note reduces its
	invoice's outstanding (one that keeps its own outstanding is a voucher of its own).
	`returns` False: not joined, `ret` is None (a customer known to have no credit note)."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	query = frappe.qb.from_(ple)
	ret = None
	if returns:
		ret = frappe.qb.DocType("Sales Invoice").as_("ret")
		query = query.left_join(ret).on(
			(ret.name == ple.against_voucher_no)
			& (ple.against_voucher_type == "Sales Invoice")
			& (ret.is_return == 1)
			& (ret.docstatus == 1)
			& (ret.update_outstanding_for_self == 0)
		)
	query = (
		query.where(ple.delinked == 0).where(ple.party_type == "Customer").where(ple.posting_date <= on_date)
	)
	return ple, ret, query


def _ple_query(restricted: bool, customers=CUSTOMERS, on_date=ON_DATE):
	ple, ret, query = _open_payment_ledger(on_date)
	own = ple.voucher_no == ple.against_voucher_no
	query = query.select(
		*_row(
			"ple",
			ple.company,
			ple.party,
			s=(ple.against_voucher_type, ple.against_voucher_no, Max(ret.return_against)),
			a=(Sum(ple.amount),),
			d=(Max(Case().when(own, ple.due_date)), Min(Case().when(own, ple.posting_date))),
		)
	).groupby(ple.company, ple.party, ple.against_voucher_type, ple.against_voucher_no)
	return _restrict(query, ple.party, restricted, customers)


def _voucher_balances(on_date=ON_DATE, returns: bool = True):
	"""(ple, query): the open Payment Ledger grouped per voucher as Accounts Receivable
	groups it, selecting company, party, amount and entry_date (the date it ages from), for
	the caller to narrow and sum up (the rule of figures.voucher_balances)."""
	ple, ret, vouchers = _open_payment_ledger(on_date, returns=returns)
	# postings against a credit note that reduces its invoice belong to that invoice
	voucher = (
		Coalesce(NullIf(ret.return_against, ""), ple.against_voucher_no)
		if returns
		else ple.against_voucher_no
	)
	own = ple.voucher_no == voucher
	vouchers = vouchers.select(
		ple.company.as_("company"),
		ple.party.as_("party"),
		Sum(ple.amount).as_("amount"),
		# invoices age from their due date, everything else from its posting date
		Coalesce(
			Max(Case().when(own & (ple.against_voucher_type == "Sales Invoice"), ple.due_date)),
			Min(Case().when(own, ple.posting_date)),
		).as_("entry_date"),
	).groupby(ple.company, ple.party, ple.against_voucher_type, voucher)
	return ple, vouchers


def _receivable_query(restricted: bool, returns: bool = True):
	"""Outstanding, overdue and voucher count per customer and company, summed over
	vouchers in the database."""
	ple, vouchers = _voucher_balances(returns=returns)
	vouchers = _restrict(vouchers, ple.party, restricted)
	amount, entry_date = Field("amount", table=vouchers), Field("entry_date", table=vouchers)
	overdue = Case().when((Abs(amount) >= ZERO) & (entry_date < ON_DATE), amount).else_(0)
	company, party = Field("company", table=vouchers), Field("party", table=vouchers)
	return (
		frappe.qb.from_(vouchers)
		.select(*_row("ar", company, party, a=(Sum(amount), Sum(overdue)), n=Count("*")))
		.groupby(company, party)
	)


def overdue_by_company(customers: list[str], on_date: dt.date, companies=None) -> dict[tuple, tuple]:
	"""(company, customer) -> (overdue, oldest due date of an overdue voucher, unallocated
	credit not yet counted in the overdue), Accounts Receivable's rule as in the figures
	(`_receivable_query`), for the collections worklist. The credit is what a payment or
	credit note received today holds against the overdue (AR ages it from tomorrow)."""
	if not customers:
		return {}
	ple, vouchers = _voucher_balances(on_date)
	vouchers = vouchers.where(ple.party.isin(customers))
	if companies is not None:
		vouchers = vouchers.where(ple.company.isin(list(companies) or [""]))
	amount, entry_date = Field("amount", table=vouchers), Field("entry_date", table=vouchers)
	is_overdue = (Abs(amount) >= ZERO) & (entry_date < on_date)
	company, party = Field("company", table=vouchers), Field("party", table=vouchers)
	rows = (
		frappe.qb.from_(vouchers)
		.select(
			company,
			party,
			Sum(Case().when(is_overdue, amount).else_(0)),
			Min(Case().when(is_overdue & (amount > 0), entry_date)),
			Sum(Case().when(~is_overdue & (amount < 0), -amount).else_(0)),
		)
		.groupby(company, party)
		.run()
	)
	return {(c, p): (round(float(o or 0), 2), d, round(float(u or 0), 2)) for c, p, o, d, u in rows}


def _order_query(restricted: bool):
	so = frappe.qb.DocType("Sales Order")
	# Value still to bill: the grand total times the share ERPNext has not billed yet.
	unbilled = Case().when(so.per_billed >= 100, 0).else_(so.base_grand_total * (100 - so.per_billed) / 100)
	query = (
		frappe.qb.from_(so)
		.select(
			*_row(
				"so",
				so.company,
				so.customer,
				s=(so.status,),
				a=(Sum(so.base_grand_total), Sum(unbilled)),
				d=(Min(so.transaction_date), Max(so.transaction_date)),
				n=Count("*"),
			)
		)
		.where(so.docstatus == 1)
		.groupby(so.company, so.customer, so.status)
	)
	return _restrict(query, so.customer, restricted)


def _last_invoice_query(restricted: bool):
	si = frappe.qb.DocType("Sales Invoice")
	query = (
		frappe.qb.from_(si)
		.select(*_row("si", si.company, si.customer, d=(Max(si.posting_date),)))
		.where(si.docstatus == 1)
		.where(si.is_return == 0)
		.groupby(si.company, si.customer)
	)
	return _restrict(query, si.customer, restricted)


def _late_order_query(restricted: bool):
	"""Late orders per customer and company (figures.py states the rule). Joined to their
	lines for the undelivered value: per_delivered counts quantities, so an order with one
	expensive line left is not "nearly delivered"."""
	so = frappe.qb.DocType("Sales Order")
	soi = frappe.qb.DocType("Sales Order Item")
	pending = soi.qty - Case().when(soi.delivered_qty > soi.qty, soi.qty).else_(soi.delivered_qty)
	undelivered = (
		Case().when(so.net_total != 0, pending * soi.net_rate / so.net_total * so.base_grand_total).else_(0)
	)
	query = (
		frappe.qb.from_(so)
		.join(soi)
		.on((soi.parent == so.name) & (soi.parenttype == "Sales Order"))
		.select(*_row("late", so.company, so.customer, a=(Sum(undelivered),), n=Count(so.name).distinct()))
		.where(so.docstatus == 1)
		.where(so.delivery_date < ON_DATE)
		.where(so.per_delivered < 100)
		.where(so.skip_delivery_note == 0)
		.where(so.status.notin(sorted(NOT_LATE_ORDER_STATUSES)))
		.groupby(so.company, so.customer)
	)
	return _restrict(query, so.customer, restricted)


def _unbilled_delivery_query(restricted: bool):
	"""Delivery notes made without an order or invoice and not yet invoiced: the third
	part of ERPNext's get_customer_outstanding, with its formula. Closed ones count for
	nothing but are counted (`n`: the open ones), so a customer keeps its "dn" part while
	a delivery note is closed and reopened (ledger_parts)."""
	dn = frappe.qb.DocType("Delivery Note")
	dni = frappe.qb.DocType("Delivery Note Item")
	sii = frappe.qb.DocType("Sales Invoice Item")
	invoiced = Coalesce(
		frappe.qb.from_(sii)
		.select(Sum(sii.amount))
		.where(sii.docstatus == 1)
		.where(sii.dn_detail == dni.name),
		0,
	)
	is_open = dn.status.notin(["Closed", "Stopped"])
	amount = (
		Case()
		.when(
			is_open & (dni.amount > invoiced) & (dn.base_net_total != 0),
			(dni.amount - invoiced) / dn.base_net_total * dn.base_grand_total,
		)
		.else_(0)
	)
	query = (
		frappe.qb.from_(dn)
		.join(dni)
		.on((dni.parent == dn.name) & (dni.parenttype == "Delivery Note"))
		.select(
			*_row("dn", dn.company, dn.customer, a=(Sum(amount),), n=Sum(Case().when(is_open, 1).else_(0)))
		)
		.where(dn.docstatus == 1)
		.where(Coalesce(dni.against_sales_order, "") == "")
		.where(Coalesce(dni.against_sales_invoice, "") == "")
		.groupby(dn.company, dn.customer)
	)
	return _restrict(query, dn.customer, restricted)


def _credit_limit_query(restricted: bool):
	"""The customer's own credit limit rows and its customer group's."""
	customer = frappe.qb.DocType("Customer")
	ccl = frappe.qb.DocType("Customer Credit Limit")
	of_group = Case().when(ccl.parenttype == "Customer Group", 1).else_(0)
	query = (
		frappe.qb.from_(customer)
		.join(ccl)
		.on(
			((ccl.parenttype == "Customer") & (ccl.parent == customer.name))
			| ((ccl.parenttype == "Customer Group") & (ccl.parent == customer.customer_group))
		)
		.select(
			*_row(
				"cl",
				ccl.company,
				customer.name,
				s=(of_group, ccl.bypass_credit_limit_check),
				a=(ccl.credit_limit,),
			)
		)
	)
	return _restrict(query, customer.name, restricted)


BUILDERS = {
	"gl": _gl_query,
	"gl_nr": lambda restricted: _gl_query(restricted, returns=False),
	"ar": _receivable_query,
	"ar_nr": lambda restricted: _receivable_query(restricted, returns=False),
	"ple": _ple_query,
	"so": _order_query,
	"si": _last_invoice_query,
	"late": _late_order_query,
	"dn": _unbilled_delivery_query,
	"cl": _credit_limit_query,
}
