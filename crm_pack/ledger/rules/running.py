"""A ledger's running balance (plain Python): the one rule behind the CRM Customer Ledger
report and the statement of account, so their balances cannot drift apart."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Running:
	lines: list[dict]  # each posting with its `balance` after it
	debit: float
	credit: float
	opening: float
	closing: float


def running_balance(opening: float, postings: Iterable[dict]) -> Running:
	"""Postings (dicts with `debit` and `credit`) in the order they are shown; closing =
	opening + debit - credit, as the General Ledger's closing row."""
	balance, debit, credit, lines = opening or 0.0, 0.0, 0.0, []
	for p in postings:
		d, c = float(p.get("debit") or 0), float(p.get("credit") or 0)
		balance += d - c
		debit += d
		credit += c
		lines.append({**p, "debit": d, "credit": c, "balance": balance})
	return Running(lines, debit, credit, opening or 0.0, balance)
