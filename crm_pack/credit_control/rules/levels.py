"""Which payment follow-up level a customer has reached and whether a step is due (pure).

The level belongs to the customer (CRM Customer.collection_level); the steps (an email,
a call, a visit, a letter with ERPNext's Dunning) are taken per company, since each
company writes in its own currency and letterhead.

What counts towards the level, company by company:
- the overdue of Accounts Receivable: every open voucher whose due date (invoices) or
  posting date (payments, credit notes) is before today, unallocated payments included
  as negatives;
- less a payment or credit note received today and not yet allocated (Accounts
  Receivable ages it only from tomorrow; the customer has paid, so nobody chases them);
- less what is disputed (an open Dispute holds its invoices, or the part of them it
  names, out of the follow-up);
- only when that is at least the minimum overdue amount (in the company's currency);
- and not while the company has an open promise to pay whose date (plus the grace
  days) has not passed: the follow-up is paused until then.

The level is the last one whose days overdue the oldest counted invoice has reached. A
customer first seen 40 days overdue goes straight to the 30-day level: only that
level's step is taken, not the ones skipped — except a skipped formal letter (a level
with a Dunning Type), which is sent with the later level's step (skipped_letter). The level never steps back while anything
counted is still overdue (a partial payment does not restart the sequence); it goes
back to 0 when nothing counted is overdue. A broken promise moves the customer one
level up at once, whatever the days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from crm_pack.problems import Problem, _

ZERO = 0.005
CHANNELS = ("Email", "Phone", "Visit", "Letter")


@dataclass(frozen=True)
class LevelRule:
	"""A row of the settings' levels; `number` is its place, 1 = first, in days order."""

	number: int
	days_overdue: int
	channel: str
	title: str = ""
	dunning_type: str | None = None
	stop_new_orders: bool = False
	email_template: str | None = None
	attach_statement: bool = False


@dataclass(frozen=True)
class OpenVoucher:
	"""One open voucher of Accounts Receivable (an invoice, or an unallocated payment or
	credit note as a negative amount), with the date it ages from."""

	company: str
	voucher_type: str
	voucher_no: str
	amount: float
	entry_date: dt.date | None


@dataclass(frozen=True)
class PromiseHold:
	company: str
	promised_date: dt.date


@dataclass
class CompanyOverdue:
	company: str
	overdue: float = 0.0
	disputed: float = 0.0
	counted: float = 0.0
	oldest_due: dt.date | None = None
	invoices: list[OpenVoucher] = field(default_factory=list)
	paused_until: dt.date | None = None
	# received today and not yet allocated (Accounts Receivable ages it from tomorrow)
	unallocated_today: float = 0.0

	@property
	def active(self) -> bool:
		return self.counted >= ZERO and self.paused_until is None


@dataclass
class Decision:
	level: int
	advanced: bool
	# companies a step is due for now, at `level`
	step_companies: list[str]
	next_date: dt.date | None
	orders_stopped: bool
	companies: dict[str, CompanyOverdue]
	paused_until: dt.date | None = None

	@property
	def cleared(self) -> bool:
		return self.level == 0


def sorted_levels(rows: Iterable[dict]) -> list[LevelRule]:
	"""The settings' rows as numbered levels, fewest days first."""
	ordered = sorted(rows, key=lambda r: int(r.get("days_overdue") or 0))
	return [
		LevelRule(
			number=i,
			days_overdue=int(r.get("days_overdue") or 0),
			channel=r.get("channel") or "Email",
			title=r.get("title") or "",
			dunning_type=r.get("dunning_type") or None,
			stop_new_orders=bool(r.get("stop_new_orders")),
			email_template=r.get("email_template") or None,
			attach_statement=bool(r.get("attach_statement")),
		)
		for i, r in enumerate(ordered, start=1)
	]


def check_levels(rows: list[dict]) -> list[Problem]:
	problems = []
	seen: dict[int, int] = {}
	for idx, row in enumerate(rows, start=1):
		days = int(row.get("days_overdue") or 0)
		where = ("Payment Follow-up Levels", idx)
		if days < 1:
			problems.append(Problem("days_overdue", _("Days overdue must be 1 or more."), row=where))
		if days in seen:
			problems.append(
				Problem(
					"days_overdue",
					_("Row {0} already starts at {1} days overdue: give each level its own days."),
					(seen[days], days),
					row=where,
				)
			)
		seen.setdefault(days, idx)
		if row.get("channel") not in CHANNELS:
			problems.append(Problem("channel", _("Choose Email, Phone, Visit or Letter."), row=where))
	return problems


def company_overdue(
	vouchers: Iterable[OpenVoucher],
	today: dt.date,
	disputed: dict[str, float | None] | None = None,
	minimum: float = 0.0,
	holds: Iterable[PromiseHold] = (),
	grace_days: int = 0,
) -> dict[str, CompanyOverdue]:
	"""Per company: the overdue as Accounts Receivable counts it, what of it is disputed,
	what counts towards the level, its oldest counted invoice and any promise pause.
	`disputed`: invoice -> the disputed part (None: all of its outstanding)."""
	disputed = disputed or {}
	out: dict[str, CompanyOverdue] = {}
	for v in vouchers:
		if v.entry_date is None or abs(v.amount) < ZERO:
			continue
		if v.entry_date >= today:
			if v.amount < 0:  # money in hand is not chased for, even before it is allocated
				out.setdefault(v.company, CompanyOverdue(v.company)).unallocated_today -= v.amount
			continue
		row = out.setdefault(v.company, CompanyOverdue(v.company))
		row.overdue += v.amount
		held = 0.0
		if v.amount > 0 and v.voucher_type == "Sales Invoice" and v.voucher_no in disputed:
			part = disputed[v.voucher_no]
			held = v.amount if part is None else min(v.amount, max(part, 0.0))
		row.disputed += held
		if v.amount - held >= ZERO:
			row.invoices.append(v)
			if row.oldest_due is None or v.entry_date < row.oldest_due:
				row.oldest_due = v.entry_date
	for row in out.values():
		row.overdue = round(row.overdue, 2)
		row.disputed = round(row.disputed, 2)
		row.unallocated_today = round(row.unallocated_today, 2)
		counted = round(row.overdue - row.disputed - row.unallocated_today, 2)
		row.counted = counted if counted >= max(minimum, ZERO) else 0.0
		if not row.counted:
			row.oldest_due = None
			row.invoices = []
	for hold in holds:
		row = out.get(hold.company)
		end = hold.promised_date + dt.timedelta(days=max(grace_days, 0))
		if row is not None and end >= today:
			row.paused_until = max(row.paused_until or end, end)
	return out


def level_for_days(levels: list[LevelRule], days: int) -> int:
	reached = 0
	for level in levels:
		if days >= level.days_overdue:
			reached = level.number
	return reached


def decide(
	levels: list[LevelRule],
	companies: dict[str, CompanyOverdue],
	today: dt.date,
	current_level: int = 0,
	done_companies: Iterable[str] = (),
	escalate: bool = False,
) -> Decision:
	"""The level due, the companies a step is due for and the next collection date.

	Steps are taken when the level is reached, for the companies whose overdue counts
	then; a company whose overdue starts later waits for the next level.
	`done_companies`: companies with a step already logged at the level reached today
	(so a second run the same day sends nothing new, even after the level was reset and
	reached again). `escalate`: a promise was broken since the last run."""
	top = levels[-1].number if levels else 0
	current = min(max(current_level, 0), top)
	counted = {c: row for c, row in companies.items() if row.counted >= ZERO}
	active = {c: row for c, row in counted.items() if row.active}
	paused = [row.paused_until for row in counted.values() if row.paused_until]
	paused_until = min(paused) if paused else None
	if not counted or not levels:
		return Decision(0, False, [], None, False, companies)

	oldest = min((row.oldest_due for row in active.values() if row.oldest_due), default=None)
	by_days = level_for_days(levels, (today - oldest).days) if oldest else 0
	target = max(current, by_days)
	if escalate:
		target = max(target, min(current + 1, top))
	advanced = target > current
	# a level reached before had its steps taken then; `done` guards a second run
	step = sorted(c for c in active if c not in set(done_companies)) if advanced else []

	next_date = None
	if target < top:
		upcoming = levels[target]  # the level after `target` (numbers start at 1)
		if oldest:
			next_date = oldest + dt.timedelta(days=upcoming.days_overdue)
		elif paused_until:
			next_date = paused_until + dt.timedelta(days=1)
		if next_date and next_date <= today:
			next_date = today + dt.timedelta(days=1)
	if paused_until and (next_date is None or next_date <= paused_until) and target < top:
		next_date = paused_until + dt.timedelta(days=1)

	stopped = any(level.stop_new_orders for level in levels if level.number <= target)
	return Decision(target, advanced, step, next_date, stopped, companies, paused_until)


def skipped_letter(levels: list[LevelRule], current: int, target: int) -> LevelRule | None:
	"""A customer first seen far overdue jumps levels; their skipped steps are not taken,
	except the formal letter (a level with a Dunning Type): orders are not stopped, nor a
	later step taken, without the customer ever having had the letter. The last letter
	level jumped over, when the level reached sends none itself."""
	reached = level_rule(levels, target)
	if reached is None or reached.dunning_type:
		return None
	skipped = [level for level in levels if current < level.number < target and level.dunning_type]
	return skipped[-1] if skipped else None


def level_rule(levels: list[LevelRule], number: int) -> LevelRule | None:
	return next((level for level in levels if level.number == number), None)
