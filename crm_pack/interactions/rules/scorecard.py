"""Staff scorecard: what each person did with customers in a period, computed from the
interaction records and the quotations/orders that followed them — never typed in."""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

RESOLVED = ("Resolved", "Closed")


@dataclass(frozen=True)
class InteractionRow:
	name: str
	user: str
	customer: str
	when: dt.datetime
	interaction_type: str
	status: str
	clock_start: dt.datetime | None = None  # when the response clock started (SLA) else `when`
	first_responded_on: dt.datetime | None = None
	agreement_status: str | None = None  # ERPNext SLA: Fulfilled / Failed / First Response Due / …
	follow_up_date: dt.date | None = None
	follow_up_done: bool = False
	follow_up_done_on: dt.date | None = None
	complaint_cost: float = 0.0


@dataclass(frozen=True)
class SalesDocument:
	doctype: str  # "Quotation" or "Sales Order"
	name: str
	customer: str
	date: dt.date
	value: float


@dataclass
class Scorecard:
	user: str
	handled: int = 0
	first_response_hours: list[float] = field(default_factory=list)
	sla_met: int = 0
	sla_failed: int = 0
	complaints: int = 0
	complaints_resolved: int = 0
	complaint_cost: float = 0.0
	follow_ups_on_time: int = 0
	follow_ups_late: int = 0
	follow_ups_overdue: int = 0
	quotations: set[str] = field(default_factory=set)
	quotation_value: float = 0.0
	orders: set[str] = field(default_factory=set)
	order_value: float = 0.0

	@property
	def median_first_response_hours(self) -> float | None:
		return round(statistics.median(self.first_response_hours), 2) if self.first_response_hours else None

	@property
	def sla_met_percent(self) -> float | None:
		decided = self.sla_met + self.sla_failed
		return round(100.0 * self.sla_met / decided, 1) if decided else None


def follow_up_state(row: InteractionRow, today: dt.date) -> str | None:
	"""on_time / late / overdue for a follow-up that is due by today; None when not due yet."""
	if not row.follow_up_date:
		return None
	if row.follow_up_done:
		done_on = row.follow_up_done_on or row.follow_up_date
		return "on_time" if done_on <= row.follow_up_date else "late"
	return "overdue" if row.follow_up_date < today else None


def build_scorecards(
	interactions: list[InteractionRow],
	documents: list[SalesDocument],
	*,
	attribution_days: int,
	today: dt.date,
) -> list[Scorecard]:
	"""One card per user. A quotation/order counts for a user when it is dated within
	`attribution_days` after one of their interactions with the same customer (each
	document once per user; two people who both worked the customer both see it)."""
	cards: dict[str, Scorecard] = {}
	by_user_customer: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
	for row in interactions:
		card = cards.setdefault(row.user, Scorecard(row.user))
		card.handled += 1
		start = row.clock_start or row.when
		if row.first_responded_on and row.first_responded_on >= start:
			card.first_response_hours.append((row.first_responded_on - start).total_seconds() / 3600)
		if row.agreement_status == "Fulfilled":
			card.sla_met += 1
		elif row.agreement_status == "Failed":
			card.sla_failed += 1
		if row.interaction_type == "Complaint":
			card.complaints += 1
			card.complaint_cost += row.complaint_cost
			if row.status in RESOLVED:
				card.complaints_resolved += 1
		state = follow_up_state(row, today)
		if state:
			setattr(card, f"follow_ups_{state}", getattr(card, f"follow_ups_{state}") + 1)
		by_user_customer[(row.user, row.customer)].append(row.when.date())

	window = dt.timedelta(days=attribution_days)
	docs_by_customer: dict[str, list[SalesDocument]] = defaultdict(list)
	for doc in documents:
		docs_by_customer[doc.customer].append(doc)
	for (user, customer), dates in by_user_customer.items():
		card = cards[user]
		for doc in docs_by_customer.get(customer, ()):
			if not any(d <= doc.date <= d + window for d in dates):
				continue
			seen, attr = (
				(card.quotations, "quotation_value")
				if doc.doctype == "Quotation"
				else (card.orders, "order_value")
			)
			if doc.name not in seen:
				seen.add(doc.name)
				setattr(card, attr, getattr(card, attr) + doc.value)
	return sorted(cards.values(), key=lambda c: (-c.handled, c.user))
