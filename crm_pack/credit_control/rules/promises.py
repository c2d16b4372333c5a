"""Promises to pay and disputes: checks and verdicts (pure).

A promise is kept once what it covers has been paid: the listed invoices' outstanding
fell by the promised amount since the promise was made, or, when it lists no invoice,
the payments received in its company since that day reach the amount. It is broken when
its date plus the grace days has passed without that. The kept rate counts decided
promises only (an open promise is neither).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from crm_pack.problems import Label, Money, Problem, _

ZERO = 0.005
OPEN, KEPT, BROKEN = "Open", "Kept", "Broken"


@dataclass(frozen=True)
class ListedInvoice:
	invoice: str
	customer: str | None
	company: str | None
	docstatus: int
	outstanding: float  # now, from the Payment Ledger
	is_return: bool = False
	part: float = 0.0  # the part promised or disputed; 0 = all of its outstanding
	currency: str | None = None


def check_promise(
	*,
	amount: float,
	promised_date: dt.date | None,
	today: dt.date,
	is_new: bool,
	customer: str,
	company: str | None,
	invoices: list[ListedInvoice],
	company_outstanding: float,
	currency: str | None = None,
) -> list[Problem]:
	problems = []
	if not company:
		problems.append(Problem("company", _("Choose the company the promise is made to.")))
	if amount is None or amount < ZERO:
		problems.append(Problem("promised_amount", _("The promised amount must be more than zero.")))
	if promised_date is None:
		problems.append(Problem("promised_date", _("Enter the date the customer promised to pay by.")))
	elif is_new and promised_date < today:
		problems.append(
			Problem("promised_date", _("The promised date is in the past: enter today or a later date."))
		)
	problems += check_invoices(customer=customer, company=company, invoices=invoices)
	if problems or not is_new:
		return problems
	limit = sum(max(i.outstanding, 0.0) for i in invoices) if invoices else company_outstanding
	if amount - limit >= ZERO:
		what = _("the listed invoices") if invoices else _("the company's outstanding")
		problems.append(
			Problem(
				"promised_amount",
				_("The promised amount {0} is more than {1} still open ({2}): promise at most that."),
				(Money(amount, currency), Label(what), Money(limit, currency)),
			)
		)
	return problems


def check_invoices(*, customer: str, company: str | None, invoices: list[ListedInvoice]) -> list[Problem]:
	problems = []
	seen = set()
	for idx, inv in enumerate(invoices, start=1):
		where = ("Invoices", idx)
		if inv.invoice in seen:
			problems.append(
				Problem("sales_invoice", _("Invoice {0} is listed twice."), (inv.invoice,), row=where)
			)
			continue
		seen.add(inv.invoice)
		if inv.customer is None:
			problems.append(
				Problem("sales_invoice", _("Invoice {0} does not exist."), (inv.invoice,), row=where)
			)
		elif inv.customer != customer:
			problems.append(
				Problem(
					"sales_invoice",
					_("Invoice {0} is billed to {1}, not to this customer."),
					(inv.invoice, inv.customer),
					row=where,
				)
			)
		elif inv.docstatus != 1:
			problems.append(
				Problem("sales_invoice", _("Invoice {0} is not submitted."), (inv.invoice,), row=where)
			)
		elif company and inv.company != company:
			problems.append(
				Problem(
					"sales_invoice",
					_("Invoice {0} belongs to company {1}, not to {2}."),
					(inv.invoice, inv.company, company),
					row=where,
				)
			)
		elif inv.is_return or inv.outstanding < ZERO:
			problems.append(
				Problem("sales_invoice", _("Invoice {0} has nothing outstanding."), (inv.invoice,), row=where)
			)
		elif inv.part < 0:
			problems.append(
				Problem(
					"amount",
					_(
						"The amount for invoice {0} is negative: enter the part in question, or leave it empty for all of it."
					),
					(inv.invoice,),
					row=where,
				)
			)
		elif inv.part - inv.outstanding >= ZERO:
			problems.append(
				Problem(
					"amount",
					_(
						"The amount for invoice {0} ({1}) is more than its outstanding ({2}): enter at most that, or leave it empty for all of it."
					),
					(inv.invoice, Money(inv.part, inv.currency), Money(inv.outstanding, inv.currency)),
					row=where,
				)
			)
	return problems


def paid_towards(start: dict[str, float], now: dict[str, float]) -> float:
	"""How much the listed invoices' outstanding fell since the promise (never negative per
	invoice: a new charge on one invoice does not undo a payment on another)."""
	return round(sum(max(start.get(inv, 0.0) - now.get(inv, 0.0), 0.0) for inv in start), 2)


def verdict(amount: float, paid: float, promised_date: dt.date, today: dt.date, grace_days: int = 0) -> str:
	if paid + ZERO >= amount:
		return KEPT
	if today > promised_date + dt.timedelta(days=max(grace_days, 0)):
		return BROKEN
	return OPEN


def kept_rate(statuses: Iterable[str]) -> float | None:
	decided = [s for s in statuses if s in (KEPT, BROKEN)]
	if not decided:
		return None
	return round(100.0 * sum(1 for s in decided if s == KEPT) / len(decided), 1)


def check_dispute(*, company: str | None, customer: str, invoices: list[ListedInvoice]) -> list[Problem]:
	problems = []
	if not company:
		problems.append(Problem("company", _("Choose the company whose invoices are disputed.")))
	if not invoices:
		problems.append(Problem("invoices", _("List the disputed invoices.")))
	return problems + check_invoices(customer=customer, company=company, invoices=invoices)
