"""What the collector does next for one customer and company on the worklist, and the
order the worklist is read in. Pure: the report (Collections Worklist) hands the row's
figures in and renders the returned code in the reader's language (crm_pack/texts.py).

The first that applies, in this order:
0. a payment received today and not yet allocated covers the overdue → allocate it
   (Payment Reconciliation): the customer has paid, there is nobody to chase;
1. the whole overdue is disputed → resolve the dispute (chasing it helps nobody);
2. an open promise not yet due → wait for it;
3. an open promise past its date → call about the broken promise;
4. an open complaint → settle the complaint together with the relationship owner;
5. late orders → deliver them first (the usual reason a customer stops paying);
6. never contacted, or not for `QUIET_DAYS` → call;
7. follow-up level at or above `ESCALATE_LEVEL` → escalate;
8. otherwise → remind (call) about the oldest overdue invoice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crm_pack.problems import Money, Problem, _

QUIET_DAYS = 7
ESCALATE_LEVEL = 3
ZERO = 0.005


@dataclass(frozen=True)
class WorklistRow:
	overdue_amount: float
	oldest_due_date: dt.date | None = None
	collection_level: int = 0
	last_contact: dt.date | None = None
	open_promise_amount: float = 0.0
	open_promise_date: dt.date | None = None
	disputed_amount: float = 0.0
	open_complaints: int = 0
	late_order_count: int = 0
	unallocated_credit: float = 0.0
	currency: str | None = None  # the company's: overdue and unallocated credit
	record_currency: str | None = None  # the CRM Customer's: its promise and dispute figures


def days_overdue(oldest_due_date: dt.date | None, today: dt.date) -> int:
	return max((today - oldest_due_date).days, 0) if oldest_due_date else 0


def next_action(row: WorklistRow, today: dt.date) -> tuple[str, tuple]:
	"""(template, arguments): the next step, stored or shown as codes."""
	if row.unallocated_credit > ZERO and row.unallocated_credit >= row.overdue_amount - ZERO:
		return (
			_(
				"Allocate the unallocated {0} to the overdue invoices (Payment Reconciliation): paid, nothing to chase."
			),
			(Money(row.unallocated_credit, row.currency),),
		)
	if row.disputed_amount > ZERO and row.disputed_amount >= row.overdue_amount - ZERO:
		return _("Resolve the dispute of {0} first."), (Money(row.disputed_amount, row.record_currency),)
	if row.open_promise_amount > ZERO and row.open_promise_date:
		if row.open_promise_date >= today:
			return (
				_("Wait: {0} promised for {1}."),
				(Money(row.open_promise_amount, row.record_currency), row.open_promise_date),
			)
		return (
			_("Call: the promise of {0} for {1} was not kept."),
			(Money(row.open_promise_amount, row.record_currency), row.open_promise_date),
		)
	if row.open_complaints == 1:
		return _("Settle the open complaint with the relationship owner before chasing."), ()
	if row.open_complaints:
		return _("Settle the {0} open complaints with the relationship owner before chasing."), (
			row.open_complaints,
		)
	if row.late_order_count:
		return _("Deliver the {0} late orders first, then call."), (row.late_order_count,)
	if row.last_contact is None:
		return _("Call: never contacted about payment."), ()
	if (today - row.last_contact).days >= QUIET_DAYS:
		return _("Call: no contact since {0}."), (row.last_contact,)
	if row.collection_level >= ESCALATE_LEVEL:
		return _("Escalate: follow-up level {0}."), (row.collection_level,)
	if row.oldest_due_date:
		return _("Remind: overdue since {0}."), (row.oldest_due_date,)
	return _("Remind: payment is overdue."), ()


def sort_key(overdue_amount: float, oldest_due_date: dt.date | None) -> tuple:
	"""Largest overdue first; of equal amounts, the oldest."""
	return (-round(overdue_amount, 2), oldest_due_date or dt.date.max)


# --- logging a collection call ------------------------------------------------------------

PROMISED, DISPUTED, CALL_BACK = "Promised to Pay", "Disputed", "Call Back"
OUTCOMES = (PROMISED, DISPUTED, "Will Pay", "Paid Already", "No Answer", CALL_BACK, "Wrong Contact")


def interaction_for_outcome(outcome: str) -> tuple[str, str]:
	"""(interaction type, status) a call with this outcome is logged as: a promise and a
	dispute stay open until they are kept or resolved, a call back stays open for the next
	call, any other call is done once logged."""
	if outcome == PROMISED:
		return "Promise to Pay", "Open"
	if outcome == DISPUTED:
		return "Dispute", "Open"
	return "Payment Reminder", "Open" if outcome == CALL_BACK else "Closed"


def check_call(outcome: str, options: tuple[str, ...] = OUTCOMES) -> list:
	"""What is wrong with the call itself (the promise's and dispute's own rules are the
	interaction's, checked when it is saved)."""
	if outcome not in options:
		return [Problem("call_outcome", _("Choose the call's outcome: {0} is not one of them."), (outcome,))]
	return []
