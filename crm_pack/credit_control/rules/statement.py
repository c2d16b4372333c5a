"""A statement of account from ledger rows (plain Python).

The rows are the CRM Customer Ledger report's (crm_pack/ledger/customer_ledger.py): the
opening balance and the period's postings from GL Entry, the open amounts by voucher
from the Payment Ledger. The running balance is the report's rule
(ledger/rules/running.py) and the ageing Accounts Receivable's (ledger/rules/ageing.py),
so a statement always says what the report says for the same customer, company and
period.

Scheduled statements cover a whole calendar month or quarter: the one before the run
date, so a run that starts late (or again) still states the same period, which is what
makes "sent at most once per customer and period" checkable.
"""

import datetime as dt
from collections.abc import Iterable

from crm_pack.ledger.rules.ageing import DEFAULT_RANGES, age, bucket_labels
from crm_pack.ledger.rules.figures import ZERO, PLEGroup, voucher_balances
from crm_pack.ledger.rules.running import running_balance
from crm_pack.problems import Label, Problem, _

FREQUENCIES = ("Monthly", "Quarterly")
LAST_DAY = 28  # every month has it: a schedule's day never falls outside a month


def month_start(day: dt.date) -> dt.date:
	return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
	"""The same day `months` later, clamped to the month's last day."""
	index = day.year * 12 + day.month - 1 + months
	year, month = divmod(index, 12)
	month += 1
	following = dt.date(year + (month == 12), month % 12 + 1, 1)
	return day.replace(year=year, month=month, day=min(day.day, (following - dt.timedelta(days=1)).day))


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
	"""From the first day of last month to today."""
	return add_months(month_start(today), -1), today


def check_period(from_date: dt.date | None, to_date: dt.date | None) -> list[Problem]:
	if not from_date or not to_date:
		return [Problem("from_date", _("Choose the statement's From Date and To Date."))]
	if from_date > to_date:
		return [Problem("from_date", _("From Date {0} is after To Date {1}."), (from_date, to_date))]
	return []


def compose(
	opening: float,
	postings: Iterable[dict],
	open_vouchers: Iterable[PLEGroup],
	from_date: dt.date,
	to_date: dt.date,
	ranges: tuple[int, ...] = DEFAULT_RANGES,
) -> dict:
	"""Opening, every posting with its running balance (and the invoice's due date),
	totals, closing and the open amount aged by due date as of To Date."""
	groups = list(open_vouchers)
	due = {
		g.against_voucher_no: g.own_due_date
		for g in groups
		if g.against_voucher_type == "Sales Invoice" and g.own_due_date
	}
	running = running_balance(opening, postings)
	lines = []
	for p in running.lines:
		invoice = p.get("voucher_type") == "Sales Invoice" and p["debit"] > 0
		lines.append({**p, "due_date": due.get(p.get("voucher_no")) if invoice else None})
	balances = list(voucher_balances(groups).values())
	ageing = age(balances, to_date, ranges)
	# past its due date on To Date, as the CRM Customer's overdue amount counts it: a credit
	# or payment dated To Date is in Accounts Receivable's first bucket, but not overdue
	overdue = sum(
		b["amount"]
		for b in balances
		if abs(b["amount"]) >= ZERO and b["entry_date"] and b["entry_date"] < to_date
	)
	return {
		"from_date": from_date,
		"to_date": to_date,
		"opening": round(running.opening, 2),
		"lines": lines,
		"total_debit": round(running.debit, 2),
		"total_credit": round(running.credit, 2),
		"closing": round(running.closing, 2),
		"ageing": {
			**ageing,
			"labels": bucket_labels(ranges),
			"overdue": round(overdue, 2),
		},
	}


# --- schedules ---------------------------------------------------------------------------


def check_schedule(frequency: str | None, day: int | None) -> list[Problem]:
	problems = []
	if frequency not in FREQUENCIES:
		problems.append(Problem("frequency", _("Choose Monthly or Quarterly.")))
	if not day or not 1 <= day <= LAST_DAY:
		problems.append(
			Problem("day_of_period", _("{0} must be between 1 and {1}."), (Label("Day of Period"), LAST_DAY))
		)
	return problems


def _months(frequency: str) -> int:
	return 3 if frequency == "Quarterly" else 1


def period_start(frequency: str, day: dt.date) -> dt.date:
	"""The first day of the month or calendar quarter `day` is in."""
	start = month_start(day)
	if frequency == "Quarterly":
		start = start.replace(month=(start.month - 1) // 3 * 3 + 1)
	return start


def period_for_run(frequency: str, run_date: dt.date) -> tuple[dt.date, dt.date]:
	"""The whole month or quarter before the one the run date is in."""
	this = period_start(frequency, run_date)
	return add_months(this, -_months(frequency)), this - dt.timedelta(days=1)


def next_run_date(frequency: str, day: int, after: dt.date) -> dt.date:
	"""The first date after `after` that is day `day` of a month (Monthly) or of a
	quarter's first month (Quarterly)."""
	candidate = period_start(frequency, after).replace(day=day)
	while candidate <= after:
		candidate = add_months(candidate, _months(frequency))
	return candidate


def first_run_date(frequency: str, day: int, today: dt.date) -> dt.date:
	"""A new schedule runs on this period's day if it is still ahead (or today)."""
	return next_run_date(frequency, day, today - dt.timedelta(days=1))


def chunks(names: list[str], size: int) -> list[list[str]]:
	return [names[i : i + size] for i in range(0, len(names), size)]
