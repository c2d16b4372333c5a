"""Pure rules that turn grouped ERPNext ledger rows into customer figures.

The rules mirror ERPNext's own reports so the figures equal what accountants see:

* billed / paid / returned follow *Customer Ledger Summary* (GL Entry, not
  cancelled, opening entries excluded): a posting on a return invoice is a
  return; on an entry against a return invoice a debit is a refund (paid goes
  down) and a credit is a correction of billing; otherwise debits are billed and
  credits are paid.
* each company's figures are in its own currency; the customer's headline adds them up
  when they share one currency and converts them otherwise (`headline`).
* outstanding and overdue follow *Accounts Receivable* (Payment Ledger Entry, not
  delinked): each posting belongs to the voucher it is against, postings against a
  credit note that reduces its invoice belong to that invoice, and a voucher is
  overdue when its due date (for invoices; else its posting date) is before today.
  `voucher_balances` states that rule in Python (the ledger report ages with it);
  the figures get the same sums from the database (`ReceivableGroup`), so a
  refresh reads a few rows whatever the customer's history.
* late orders: submitted Sales Orders whose delivery date is before today, not fully
  delivered (per_delivered < 100), not Closed / On Hold / Completed and not marked
  "skip delivery note"; their value is the undelivered share of each order's grand
  total (undelivered quantity at the line's net rate over the net total, times the
  grand total in company currency: taxes included, as the open-orders figure).
* credit limit use follows ERPNext's credit check (`check_credit_limit`): the limit is
  the Customer's credit limit for the company, else its Customer Group's (unless that
  row bypasses the check), else the Company's; the exposure is
  `get_customer_outstanding`: the GL balance (debit − credit, opening included), plus
  the unbilled part of submitted orders that are not Closed, plus delivery notes made
  without an order or invoice and not yet invoiced. Used % = exposure / limit × 100
  (0 without a limit); the headline is the highest of the companies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

# ERPNext shows 2 decimals by default; AR hides vouchers whose balance rounds to zero.
ZERO = 0.005

MONEY_FIELDS = (
	"total_ordered",
	"open_orders_amount",
	"total_billed",
	"total_paid",
	"outstanding_amount",
	"overdue_amount",
	"late_order_amount",
)
CLOSED_ORDER_STATUSES = frozenset({"Closed", "Completed"})
# an order in one of these is not waiting for a delivery, however old its delivery date
NOT_LATE_ORDER_STATUSES = frozenset({"Closed", "On Hold", "Completed"})
# how the headline was made (CRM Customer.headline_basis, a Select: stored in English,
# shown in the reader's language)
ONE_CURRENCY = "One Currency"
CONVERTED = "Converted"
PARTLY_CONVERTED = "Partly Converted"


@dataclass
class GLGroup:
	"""GL Entry amounts (debit - credit) summed per classification key."""

	company: str
	party: str
	voucher_is_return: bool
	against_is_return: bool
	is_opening: bool
	positive: bool
	amount: float


@dataclass
class PLEGroup:
	"""Payment Ledger amounts summed per voucher they are against."""

	company: str
	party: str
	against_voucher_type: str
	against_voucher_no: str
	return_against: str | None
	amount: float
	own_due_date: dt.date | None
	own_posting_date: dt.date | None


@dataclass
class ReceivableGroup:
	"""Accounts Receivable's view of one customer in one company, summed in the database
	over its vouchers (see `voucher_balances` for the same rule, voucher by voucher)."""

	company: str
	party: str
	outstanding: float
	overdue: float
	vouchers: int


@dataclass
class OrderGroup:
	company: str
	customer: str
	status: str
	count: int
	amount: float
	unbilled_amount: float
	first_date: dt.date | None
	last_date: dt.date | None


@dataclass
class LateOrderGroup:
	"""Sales Orders of one customer and company that are late for delivery."""

	company: str
	customer: str
	count: int
	undelivered_amount: float


@dataclass
class CreditLimitRow:
	"""A Customer Credit Limit row: the customer's own (`of_group` False) or its group's."""

	company: str
	customer: str
	of_group: bool
	bypass: bool
	credit_limit: float


@dataclass(kw_only=True)
class Figures:
	"""The ledger figures, for one company or summed for the customer."""

	currency: str | None = None
	total_ordered: float = 0.0
	open_orders_amount: float = 0.0
	order_count: int = 0
	total_billed: float = 0.0
	total_paid: float = 0.0
	outstanding_amount: float = 0.0
	overdue_amount: float = 0.0
	first_order_date: dt.date | None = None
	last_order_date: dt.date | None = None
	last_invoice_date: dt.date | None = None
	late_order_count: int = 0
	late_order_amount: float = 0.0
	credit_used_percent: float = 0.0


@dataclass(kw_only=True)
class CompanyFigures(Figures):
	company: str
	credit_limit: float = 0.0
	# ERPNext's customer outstanding for the credit check (see the module's notes)
	credit_exposure: float = 0.0


@dataclass(kw_only=True)
class CustomerFigures(Figures):
	customer: str
	headline_basis: str = ""
	companies: dict[str, CompanyFigures] = field(default_factory=dict)
	company_count: int = 0
	# how many vouchers the Payment Ledger holds for the customer: the size of a refresh
	voucher_count: int = 0
	# which parts of the ledger its next refresh reads (ledger/queries.kinds_for; set by the reader)
	ledger_parts: str = ""

	def company(self, name: str) -> CompanyFigures:
		if name not in self.companies:
			self.companies[name] = CompanyFigures(company=name)
		return self.companies[name]


def gl_bucket(group: GLGroup) -> str | None:
	"""Which Customer Ledger Summary column a GL amount lands in (None: opening balance)."""
	if group.is_opening:
		return None
	if group.voucher_is_return:
		return "returned"
	if group.against_is_return:
		return "refunded" if group.positive else "billed"
	return "billed" if group.positive else "paid"


def _min_date(a, b):
	return b if a is None else a if b is None else min(a, b)


def max_date(a, b):
	return b if a is None else a if b is None else max(a, b)


def voucher_balances(groups: Iterable[PLEGroup]) -> dict[tuple, dict]:
	"""Open balance per (company, party, voucher) the way Accounts Receivable keys it.

	Postings against a credit note that reduces its original invoice's outstanding
	(rather than its own: ERPNext's "update outstanding for self") are moved onto that
	invoice, so the invoice's due date governs them. The query passes `return_against`
	only for such credit notes."""
	groups = list(groups)
	known = {(g.company, g.party, g.against_voucher_type, g.against_voucher_no) for g in groups}
	balances: dict[tuple, dict] = {}
	for g in groups:
		key = (g.company, g.party, g.against_voucher_type, g.against_voucher_no)
		if g.against_voucher_type == "Sales Invoice" and g.return_against:
			original = (g.company, g.party, "Sales Invoice", g.return_against)
			if original in known:
				key = original
		row = balances.setdefault(key, {"amount": 0.0, "entry_date": None})
		row["amount"] += g.amount
		if key[3] == g.against_voucher_no:
			own = g.own_due_date if g.against_voucher_type == "Sales Invoice" else None
			row["entry_date"] = own or g.own_posting_date or row["entry_date"]
	return balances


def compute(
	customers: Iterable[str],
	gl_groups: Iterable[GLGroup],
	receivable_groups: Iterable[ReceivableGroup],
	order_groups: Iterable[OrderGroup],
	last_invoice_dates: Iterable[tuple[str, str, dt.date]],
	company_currency: dict[str, str],
	home_currency: str | None,
	rates: dict[str, float] | None = None,
	*,
	late_orders: Iterable[LateOrderGroup] = (),
	unbilled_deliveries: Iterable[tuple[str, str, float]] = (),
	credit_limits: Iterable[CreditLimitRow] = (),
	company_credit_limits: dict[str, float] | None = None,
) -> dict[str, CustomerFigures]:
	"""Figures per customer, per company and in total.

	Company figures are in that company's currency. The headline (`headline`) is never
	a silent zero: see `headline`. `unbilled_deliveries`: (company, customer, amount) of
	delivery notes made without an order or invoice, not yet invoiced (credit exposure)."""
	out = {c: CustomerFigures(customer=c, currency=home_currency) for c in customers}

	for g in gl_groups:
		if g.party not in out:
			continue
		cf = out[g.party].company(g.company)
		cf.credit_exposure += g.amount  # ERPNext's GL balance: every posting, opening included
		bucket = gl_bucket(g)
		if bucket == "billed":
			cf.total_billed += g.amount
		elif bucket == "returned":
			cf.total_billed += g.amount  # credit notes are negative: billed is net of returns
		elif bucket in ("paid", "refunded"):
			cf.total_paid -= g.amount

	for r in receivable_groups:
		if r.party not in out:
			continue
		out[r.party].voucher_count += r.vouchers
		cf = out[r.party].company(r.company)
		cf.outstanding_amount += r.outstanding
		cf.overdue_amount += r.overdue

	for o in order_groups:
		if o.customer not in out:
			continue
		cf = out[o.customer].company(o.company)
		cf.order_count += o.count
		cf.total_ordered += o.amount
		if o.status not in CLOSED_ORDER_STATUSES:
			cf.open_orders_amount += o.unbilled_amount
		cf.first_order_date = _min_date(cf.first_order_date, o.first_date)
		cf.last_order_date = max_date(cf.last_order_date, o.last_date)
		if o.status != "Closed":
			cf.credit_exposure += o.unbilled_amount

	for late in late_orders:
		if late.customer in out:
			cf = out[late.customer].company(late.company)
			cf.late_order_count += late.count
			cf.late_order_amount += late.undelivered_amount

	for company, customer, amount in unbilled_deliveries:
		if customer in out:
			out[customer].company(company).credit_exposure += amount

	limits = credit_limits_by_company(credit_limits)

	for company, customer, last_date in last_invoice_dates:
		if customer in out:
			cf = out[customer].company(company)
			cf.last_invoice_date = max_date(cf.last_invoice_date, last_date)

	for figures in out.values():
		figures.company_count = len(figures.companies)
		for cf in figures.companies.values():
			cf.currency = company_currency.get(cf.company)
			for name in MONEY_FIELDS:
				setattr(cf, name, round(getattr(cf, name), 2) + 0.0)
			cf.credit_exposure = round(cf.credit_exposure, 2) + 0.0
			cf.credit_limit = limits.get((figures.customer, cf.company)) or float(
				(company_credit_limits or {}).get(cf.company) or 0
			)
			cf.credit_used_percent = credit_used_percent(cf.credit_exposure, cf.credit_limit)
			figures.credit_used_percent = max(figures.credit_used_percent, cf.credit_used_percent)
			figures.late_order_count += cf.late_order_count
			figures.order_count += cf.order_count
			figures.first_order_date = _min_date(figures.first_order_date, cf.first_order_date)
			figures.last_order_date = max_date(figures.last_order_date, cf.last_order_date)
			figures.last_invoice_date = max_date(figures.last_invoice_date, cf.last_invoice_date)
		headline(figures, home_currency, rates or {})
	return out


def credit_limits_by_company(rows: Iterable[CreditLimitRow]) -> dict[tuple[str, str], float]:
	"""(customer, company) -> limit, as ERPNext's get_credit_limit chooses it: the
	customer's own non-zero limit, else its group's unless that row bypasses the check
	(the Company's own limit, the last fallback, is the caller's)."""
	own, group = {}, {}
	for r in rows:
		key = (r.customer, r.company)
		if r.of_group:
			if not r.bypass and r.credit_limit:
				group[key] = r.credit_limit
		elif r.credit_limit:
			own[key] = r.credit_limit
	return {**group, **own}


def credit_used_percent(exposure: float, limit: float) -> float:
	"""Share of the limit in use, in percent (over 100 when over the limit; 0 without a
	limit, and never below 0 for a customer in credit)."""
	if not limit or limit <= 0:
		return 0.0
	return round(max(exposure, 0.0) / limit * 100, 1) + 0.0


def headline(figures: CustomerFigures, home_currency: str | None, rates: dict[str, float]) -> None:
	"""The customer's headline figures from its per-company figures.

	All companies in one currency: their figures added up, in that currency (a customer
	billed only by a foreign-currency company shows that company's figures, never zeros).
	Companies in several currencies: the default company's currency, each company's
	figures converted at `rates` (currency -> rate into the default currency, ERPNext's
	exchange rates); a company whose currency has no rate is left out and the headline
	says "Partly Converted". Amounts in different currencies are never added unconverted."""
	currencies = {cf.currency for cf in figures.companies.values()}
	if len(currencies) <= 1:
		figures.currency = next(iter(currencies)) if currencies else home_currency
		figures.headline_basis = ONE_CURRENCY if currencies else ""
		factor = {figures.currency: 1.0}
	else:
		figures.currency = home_currency
		factor = {home_currency: 1.0, **{c: r for c, r in rates.items() if r}}
		converted_all = all(c in factor for c in currencies)
		figures.headline_basis = CONVERTED if converted_all else PARTLY_CONVERTED
	for cf in figures.companies.values():
		rate = factor.get(cf.currency)
		if rate is None:
			continue
		for name in MONEY_FIELDS:
			setattr(figures, name, getattr(figures, name) + getattr(cf, name) * rate)
	for name in MONEY_FIELDS:
		setattr(figures, name, round(getattr(figures, name), 2) + 0.0)
