"""Ageing of open vouchers, as Accounts Receivable ages them (plain Python).

A voucher's age is the days from its due date (posting date when it has none) to the
as-of date. AR puts a voucher in the first bucket whose upper bound it does not
exceed, and leaves vouchers not yet due out of every bucket."""

import datetime as dt
from collections.abc import Iterable

from crm_pack.ledger.rules.figures import ZERO

DEFAULT_RANGES = (30, 60, 90, 120)


def parse_ranges(text: str | None) -> tuple[int, ...]:
	"""'30, 60, 90, 120' -> (30, 60, 90, 120); AR ignores anything that is not a number."""
	if not text:
		return DEFAULT_RANGES
	ranges = tuple(int(part.strip()) for part in text.split(",") if part.strip().isdigit())
	return ranges or DEFAULT_RANGES


def bucket_labels(ranges: tuple[int, ...]) -> list[str]:
	labels, low = [], 0
	for high in ranges:
		labels.append(f"{low}-{high}")
		low = high + 1
	labels.append(f"{low}-above")
	return labels


def age(balances: Iterable[dict], as_of: dt.date, ranges: tuple[int, ...] = DEFAULT_RANGES) -> dict:
	"""Sums open balances into buckets; returns {"not_due": x, "buckets": [..], "total": x}."""
	buckets = [0.0] * (len(ranges) + 1)
	not_due = total = 0.0
	for row in balances:
		amount = row["amount"]
		if abs(amount) < ZERO:
			continue
		total += amount
		entry_date = row.get("entry_date")
		if not entry_date or entry_date > as_of:
			not_due += amount
			continue
		days = (as_of - entry_date).days
		index = next((i for i, high in enumerate(ranges) if days <= high), len(ranges))
		buckets[index] += amount
	return {
		"not_due": round(not_due, 2),
		"buckets": [round(b, 2) for b in buckets],
		"total": round(total, 2),
	}
