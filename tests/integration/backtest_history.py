"""A site history with known outcomes for the backtest (tests/integration/test_backtest.py,
tests/browser/test_backtest.py): monthly buyers who lapse, keep buying or slip, and late and
punctual payers, dated around one backtest day six month-ends ago."""

import datetime as dt

from frappe.utils import add_days, getdate, nowdate

from crm_pack.analytics.rules import backtest as rules
from tests.integration import factories


def today() -> dt.date:
	return getdate(nowdate())


def backtest_day() -> dt.date:
	"""Six month-ends ago: its outcomes are known, and a quarter later is a month-end too."""
	return rules.month_ends(today())[5]


def day(offset: int) -> dt.date:
	return getdate(add_days(backtest_day(), offset))


def monthly(customer: str, rate: float, last: int, count: int = 6) -> None:
	"""`count` invoices 30 days apart, the last `last` days before D (due 30 days later)."""
	for i in reversed(range(count)):
		factories.sales_invoice(customer, rate, posting_date=day(-last - 30 * i))


def buyers(tag: str) -> dict[str, str]:
	"""Six monthly buyers; names sort in this order (ABC breaks equal revenue by name)."""
	names = {
		key: factories.customer(f"Backtest {tag} {i} {key}")
		for i, key in enumerate(
			("lapser_big", "keeper_big", "keeper", "late_returner", "lapser", "slipping"), start=1
		)
	}
	monthly(names["lapser_big"], 500, last=100)  # 70 days past its rhythm on D; never back
	monthly(names["lapser"], 10, last=100)
	monthly(names["keeper_big"], 100, last=10)  # on rhythm on D; buys again 20 and 50 days on
	monthly(names["keeper"], 10, last=10)
	for name in (names["keeper_big"], names["keeper"]):
		factories.sales_invoice(name, 100 if name == names["keeper_big"] else 10, posting_date=day(20))
		factories.sales_invoice(name, 100 if name == names["keeper_big"] else 10, posting_date=day(50))
	monthly(names["late_returner"], 10, last=60)  # 5 spreads late on D (score 95.3), back 10 days on
	factories.sales_invoice(names["late_returner"], 10, posting_date=day(10))
	monthly(names["slipping"], 10, last=42)  # exactly two spreads late on D: score 50, Medium; never back
	return names


def payers(tag: str) -> dict[str, str]:
	names = {
		key: factories.customer(f"Backtest {tag} {key}")
		for key in ("punctual", "late", "turned_late", "unpaid")
	}

	def invoice(key, posted, paid_after=None):
		inv = factories.sales_invoice(names[key], 20, posting_date=day(posted), due_days=30)
		if paid_after is not None:
			factories.payment(inv, posting_date=day(posted + paid_after))

	for posted in (-90, -60, -30):
		invoice("punctual", posted, paid_after=10)  # 20 days early
		invoice("turned_late", posted, paid_after=10)
	for posted in (-120, -90, -60):
		invoice("late", posted, paid_after=50)  # 20 days late
	# the next invoices, 10 days after day(0), due 30 days later
	invoice("punctual", 10, paid_after=20)
	invoice("late", 10, paid_after=60)
	invoice("turned_late", 10, paid_after=60)
	invoice("unpaid", -30)  # bought before D, had paid nothing by then
	invoice("unpaid", 10)  # never paid
	return names
