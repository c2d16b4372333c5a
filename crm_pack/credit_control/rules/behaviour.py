"""How a customer pays: days sales outstanding, days to pay and its trend, payment
reliability, and the churn signals they raise. Pure: the site reads the ledger
(credit_control/behaviour.py) and hands the rows in.

* **Days sales outstanding** (DSO) = receivable now / billed in the last
  `DSO_WINDOW_DAYS` (365) days × 365, per company in its currency; the customer's
  figure weighs the companies by what they billed (their receivables and billing
  converted into one currency, then divided). None when nothing was billed in the
  window (stored as 0).
* **Average days to pay**: every allocation of a payment (Payment Entry, Journal Entry)
  against an invoice in the Payment Ledger, made in the last `PAY_WINDOW_DAYS` (365)
  days, counts with its amount: Σ amount × (payment date − invoice posting date) / Σ
  amount. Credit notes are not payments and do not count.
* **Trend**: the same average over the payments of the last `TREND_DAYS` (90) days minus
  that of the 90 days before; above zero the customer pays slower. None (0) when either
  period has no payment.
* **Payment reliability** (0–100): the share of the amount paid in the window that was
  paid by the invoice's due date; when the customer has resolved promises to pay (kept or
  broken), `ON_TIME_WEIGHT` (70 %) of it is that share and 30 % the promise-kept rate;
  with promises but no payments, the promise-kept rate alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crm_pack.problems import _

DSO_WINDOW_DAYS = 365
PAY_WINDOW_DAYS = 365
TREND_DAYS = 90
ON_TIME_WEIGHT = 0.7
# churn signals
OVER_CREDIT_LIMIT_PERCENT = 100.0
LOW_RELIABILITY_PERCENT = 50.0


@dataclass(frozen=True)
class Allocation:
	"""A payment's allocation against one invoice, in the company's currency."""

	company: str
	payment_date: dt.date
	invoice_date: dt.date
	due_date: dt.date | None
	amount: float


@dataclass(frozen=True)
class PaymentBehaviour:
	avg_days_to_pay: float | None = None
	days_to_pay_trend: float | None = None
	on_time_share: float | None = None  # 0..1 of the amount paid in the window
	paid_amount: float = 0.0


def dso(receivable: float, billed: float, days: int = DSO_WINDOW_DAYS) -> float | None:
	"""Days of sales outstanding; None when nothing was billed in the window."""
	if billed <= 0:
		return None
	return round(max(receivable, 0.0) / billed * days, 1)


def weighted_dso(parts: Iterable[tuple[float, float]], days: int = DSO_WINDOW_DAYS) -> float | None:
	"""DSO over several companies from (receivable, billed) pairs in one currency: the
	companies weigh by what they billed."""
	parts = list(parts)
	return dso(sum(max(r, 0.0) for r, _b in parts), sum(b for _r, b in parts), days)


def _average_days(rows: Sequence[Allocation]) -> float | None:
	total = sum(r.amount for r in rows)
	if total <= 0:
		return None
	return sum(r.amount * (r.payment_date - r.invoice_date).days for r in rows) / total


def payment_behaviour(
	allocations: Iterable[Allocation],
	today: dt.date,
	window_days: int = PAY_WINDOW_DAYS,
	trend_days: int = TREND_DAYS,
) -> PaymentBehaviour:
	"""Days to pay, its trend and the on-time share of one customer's allocations
	(amounts weigh; those before the window are ignored)."""
	start = today - dt.timedelta(days=window_days)
	rows = [a for a in allocations if start < a.payment_date <= today and a.amount > 0]
	if not rows:
		return PaymentBehaviour()
	recent_start = today - dt.timedelta(days=trend_days)
	before_start = recent_start - dt.timedelta(days=trend_days)
	recent = _average_days([a for a in rows if a.payment_date > recent_start])
	before = _average_days([a for a in rows if before_start < a.payment_date <= recent_start])
	paid = sum(a.amount for a in rows)
	on_time = sum(a.amount for a in rows if a.due_date is None or a.payment_date <= a.due_date)
	average = _average_days(rows)
	return PaymentBehaviour(
		avg_days_to_pay=round(average, 1) if average is not None else None,
		days_to_pay_trend=round(recent - before, 1) if recent is not None and before is not None else None,
		on_time_share=on_time / paid,
		paid_amount=round(paid, 2),
	)


def next_change(
	payment_dates: Iterable[dt.date],
	billing_dates: Iterable[dt.date],
	today: dt.date,
	window_days: int = PAY_WINDOW_DAYS,
	trend_days: int = TREND_DAYS,
	dso_window_days: int = DSO_WINDOW_DAYS,
) -> dt.date | None:
	"""The first day after `today` on which the calendar alone moves these figures (None:
	never, until the ledger changes). A payment dated p counts in the window from p until
	p + window, in the recent period until p + trend, in the period before from then until
	p + 2 × trend; a billing dated b counts in the DSO window from b until b + its window.
	So the nightly run need not measure a customer again before that day."""
	window, trend = dt.timedelta(days=window_days), dt.timedelta(days=trend_days)
	dso_window = dt.timedelta(days=dso_window_days)
	days = [d for p in payment_dates for d in (p, p + trend, p + 2 * trend, p + window)]
	days += [d for b in billing_dates for d in (b, b + dso_window)]
	return min((d for d in days if d > today), default=None)


def reliability(
	on_time_share: float | None, promise_kept_rate: float | None, resolved_promises: int
) -> float | None:
	"""0..100: paid on time, combined with promises kept when there are resolved promises."""
	promises = promise_kept_rate if resolved_promises and promise_kept_rate is not None else None
	if on_time_share is None and promises is None:
		return None
	if promises is None:
		return round(on_time_share * 100, 1)
	if on_time_share is None:
		return round(float(promises), 1)
	return round(ON_TIME_WEIGHT * on_time_share * 100 + (1 - ON_TIME_WEIGHT) * float(promises), 1)


def churn_signals(
	*,
	credit_used_percent: float = 0.0,
	late_order_count: int = 0,
	late_order_amount: float = 0.0,
	payment_reliability: float | None = None,
	low_reliability_percent: float = LOW_RELIABILITY_PERCENT,
) -> list[tuple[str, tuple]]:
	"""Reasons (stored as codes, crm_pack/texts.py) a customer's relationship is strained
	by money or delivery; each adds the churn rules' signal points. A payer is unreliable
	below `low_reliability_percent` (CRM Pack Settings, set from the backtest)."""
	reasons = []
	if credit_used_percent > OVER_CREDIT_LIMIT_PERCENT:
		reasons.append((_("Over the credit limit: {0}% of it in use."), (round(credit_used_percent),)))
	if late_order_count > 0:
		reasons.append(
			(
				_("Late deliveries: {0} orders past their delivery date, {1} still to deliver."),
				(late_order_count, round(late_order_amount, 2)),
			)
		)
	if payment_reliability is not None and 0 < payment_reliability < low_reliability_percent:
		reasons.append(
			(_("Unreliable payer: only {0}% paid on time or as promised."), (round(payment_reliability),))
		)
	return reasons
