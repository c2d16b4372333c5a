"""The backtest of the scores on the site's own history (the rules and what "as it stood
then" means: analytics/rules/backtest.py).

For each customer, in chunks of CHUNK, four grouped reads bounded by `until` (today for
the run, the backtest day for `state_on`): the invoices with their cancellation and
amendment days, the invoices fully paid and when, the payment allocations with the day they
were unlinked, and — for the outcomes only — the invoices that fell due since the first
backtest day and whether they were paid by their due date. The live rules are then called
with the rows as they stood on each of the last 12 month-ends, and only the counts per day,
score and level are kept: memory holds one chunk's rows and a few hundred counts (plus one
revenue figure per customer and day for the ABC tiers, which rank everyone).

The nightly run (`nightly_job`) stores the counts in CRM Score Backtest, a few hundred rows
replaced at once, when they are older than REFRESH_DAYS or a month has ended since; the
report "How well the scores predicted" reads them and never recomputes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Max, Min, Sum
from frappe.utils import cint, flt, getdate, now_datetime, nowdate
from pypika.terms import CustomFunction

from crm_pack.analytics import history
from crm_pack.analytics.rules import backtest as rules
from crm_pack.analytics.rules import churn
from crm_pack.credit_control.rules import behaviour

CHUNK = 2000
REFRESH_DAYS = 7
LastDay = CustomFunction("LAST_DAY", ["date"])
CHURN, PAYMENT, ABC, CLV = "Churn Risk", "Payment Reliability", "ABC Tier", "Lifetime Value"
CHURN_THRESHOLD, RELIABILITY_THRESHOLD = "Churn Threshold", "Reliability Threshold"
UNRELIABLE, RELIABLE = "Unreliable", "Reliable"
CHURN_LEVELS = (churn.HIGH, churn.MEDIUM, churn.LOW, churn.ONE_OFF, churn.NEW)
PAYMENT_LEVELS = (UNRELIABLE, RELIABLE, rules.NOT_MEASURED)
ABC_LEVELS = ("A", "B", "C")
CLV_LEVELS = (rules.TOP_FIFTH, rules.OTHERS)
ALL = "All"  # a threshold row counting everyone a threshold could flag: the denominator of "caught"
PAYMENT_VOUCHERS = ("Payment Entry", "Journal Entry")


def _day(value) -> dt.date | None:
	return None if value is None else value.date() if isinstance(value, dt.datetime) else getdate(value)


def settings() -> dict:
	from crm_pack.analytics.basis import _settings as clv_settings
	from crm_pack.analytics.nightly import _churn_settings, unreliable_below

	s, churn_settings = _churn_settings()
	return {
		"clv": clv_settings()[1],
		"retention": flt(s.retention_probability_percent) / 100,
		"discount": flt(s.discount_rate_percent) / 100,
		"churn": churn_settings,
		"unreliable": unreliable_below(s),
		"a_share": flt(s.abc_a_share) / 100 or 0.8,
		"b_share": flt(s.abc_b_share) / 100 or 0.95,
	}


# --- reads, each bounded by `until` ----------------------------------------------------


def _invoices(names: list[str], until: dt.date, companies, rates) -> dict[str, list[rules.Invoice]]:
	"""Submitted and cancelled invoices dated up to `until`: a cancelled one counts until its
	cancellation (its `modified`), an amendment from its creation."""
	si = frappe.qb.DocType("Sales Invoice")
	rows = (
		frappe.qb.from_(si)
		.select(
			si.customer,
			si.posting_date,
			history._in_home_currency(si.base_net_total, si.company, companies, rates),
			si.is_return,
			si.docstatus,
			si.modified,
			si.amended_from,
			si.creation,
		)
		.where(si.docstatus.isin([1, 2]))
		.where(si.company.isin(companies))
		.where(si.posting_date <= until)
		.where(si.customer.isin(names))
		.orderby(si.posting_date)
		.run()
	)
	out: dict[str, list[rules.Invoice]] = defaultdict(list)
	for customer, day, net, is_return, docstatus, modified, amended_from, creation in rows:
		out[customer].append(
			rules.Invoice(
				day,
				flt(net),
				bool(is_return),
				_day(modified) if docstatus == 2 else None,
				_day(creation) if amended_from else None,
			)
		)
	return out


def _paid(names: list[str], until: dt.date, companies) -> dict[str, list[tuple[dt.date, dt.date]]]:
	"""(invoice day, day fully paid) of the invoices fully paid by `until` (the live basis's
	days-to-pay read, bounded)."""
	out: dict[str, list] = defaultdict(list)
	for customer, invoiced, paid_on in history.payment_days(companies, names, until=until):
		out[customer].append((invoiced, paid_on))
	return out


def _payments(names: list[str], since: dt.date, until: dt.date, companies) -> dict[str, list[rules.Payment]]:
	"""Payments allocated against invoices, dated in (since, until]; an unlinked one (a
	cancelled or unreconciled payment) with the day it was unlinked."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	inv = frappe.qb.DocType("Sales Invoice")
	rows = (
		frappe.qb.from_(ple)
		.join(inv)
		.on(inv.name == ple.against_voucher_no)
		.select(
			ple.party,
			ple.company,
			ple.posting_date,
			inv.posting_date,
			inv.due_date,
			ple.amount,
			ple.delinked,
			ple.modified,
		)
		.where(ple.party_type == "Customer")
		.where(ple.party.isin(names))
		.where(ple.company.isin(companies))
		.where(ple.against_voucher_type == "Sales Invoice")
		.where(ple.voucher_type.isin(PAYMENT_VOUCHERS))
		.where(ple.amount < 0)
		.where(ple.posting_date > since)
		.where(ple.posting_date <= until)
		.run()
	)
	out: dict[str, list[rules.Payment]] = defaultdict(list)
	for party, company, paid_on, invoiced_on, due, amount, delinked, modified in rows:
		allocation = behaviour.Allocation(company, paid_on, invoiced_on, due or None, -flt(amount))
		out[party].append(rules.Payment(allocation, _day(modified) if delinked else None))
	return out


def _dues(names: list[str], since: dt.date, today: dt.date, companies) -> dict[str, list[rules.Due]]:
	"""The outcomes: invoices (standing today) posted after `since` and due before today,
	and whether the Payment Ledger had settled each by its due date."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	si = frappe.qb.DocType("Sales Invoice")
	rows = (
		frappe.qb.from_(ple)
		.join(si)
		.on(si.name == ple.against_voucher_no)
		.select(
			si.customer,
			si.posting_date,
			si.due_date,
			Sum(Case().when(ple.posting_date <= si.due_date, ple.amount).else_(0)),
		)
		.where(ple.against_voucher_type == "Sales Invoice")
		.where(ple.delinked == 0)
		.where(si.docstatus == 1)
		.where(si.is_return == 0)
		.where(si.company.isin(companies))
		.where(si.customer.isin(names))
		.where(si.posting_date > since)
		.where(si.due_date < today)
		.groupby(si.name, si.customer, si.posting_date, si.due_date)
		.run()
	)
	out: dict[str, list[rules.Due]] = defaultdict(list)
	for customer, day, due, left in rows:
		out[customer].append(rules.Due(day, due, flt(left) <= 0.005))
	return out


def _month_sales(names: list[str], until: dt.date, companies, rates) -> dict[str, list[rules.MonthSales]]:
	"""Per customer, item group, cost known or not and month: sales (invoices standing today)
	dated up to `until`, for the lifetime value then and the margin that followed."""
	si = frappe.qb.DocType("Sales Invoice")
	item = frappe.qb.DocType("Sales Invoice Item")
	known = Case().when(item.incoming_rate > 0, 1).else_(0)
	month = LastDay(si.posting_date)
	rows = (
		frappe.qb.from_(item)
		.join(si)
		.on(si.name == item.parent)
		.select(
			si.customer,
			item.item_group,
			known,
			month,
			Min(si.posting_date),
			Max(si.posting_date),
			Sum(history._in_home_currency(item.base_net_amount, si.company, companies, rates)),
			Sum(history._in_home_currency(item.incoming_rate * item.stock_qty, si.company, companies, rates)),
		)
		.where(si.docstatus == 1)
		.where(si.company.isin(companies))
		.where(item.parenttype == "Sales Invoice")
		.where(si.customer.isin(names))
		.where(si.posting_date <= until)
		.groupby(si.customer, item.item_group, known, month)
		.run()
	)
	out: dict[str, list[rules.MonthSales]] = defaultdict(list)
	for customer, group, is_known, month_end, first, last, revenue, cost in rows:
		out[customer].append(
			rules.MonthSales(
				getdate(month_end), group or "", first, last, flt(revenue), flt(cost) if is_known else None
			)
		)
	return out


# --- replay ---------------------------------------------------------------------------


def _customers() -> list[str]:
	crm = frappe.qb.DocType("CRM Customer")
	return [n for (n,) in frappe.qb.from_(crm).select(crm.name).orderby(crm.name).run()]


def replay(names: list[str] | None = None, today: dt.date | None = None, days: list[dt.date] | None = None):
	"""(customer, day, churn risk, lapsed, reliability, paid late, net revenue) for every
	customer (or these) and backtest day, read chunk by chunk. Scores come from the rows
	counted on that day only; the outcomes from what followed."""
	today = getdate(today or nowdate())
	days = days or rules.month_ends(today)
	s = settings()
	rates = history.company_rates()
	companies = sorted(rates) or [""]
	names = _customers() if names is None else sorted(names)
	pay_since = days[0] - dt.timedelta(days=behaviour.PAY_WINDOW_DAYS)
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		invoices = _invoices(chunk, today, companies, rates)
		paid = _paid(chunk, today, companies)
		payments = _payments(chunk, pay_since, today, companies)
		dues = _dues(chunk, days[0], today, companies)
		for name in chunk:
			mine, mine_paid, mine_payments = (
				invoices.get(name, []),
				paid.get(name, []),
				payments.get(name, []),
			)
			for day in days:
				risk = rules.churn_on(mine, mine_paid, mine_payments, day, s["churn"], s["unreliable"])
				if risk is None:
					continue  # no order by then: nothing was scored
				yield (
					name,
					day,
					risk,
					rules.lapsed(mine, risk, day, today, s["churn"]),
					rules.reliability_on(mine_payments, day),
					rules.paid_late(dues.get(name, ()), day, today),
					rules.net_revenue_on(mine, day),
				)


def state_on(names: list[str], day: dt.date) -> dict[str, tuple]:
	"""Each customer's (churn level, churn score, reliability) on `day`, from reads bounded by
	that day: what `replay` must find for that day from its reads up to today."""
	s = settings()
	rates = history.company_rates()
	companies = sorted(rates) or [""]
	invoices = _invoices(names, day, companies, rates)
	paid = _paid(names, day, companies)
	payments = _payments(names, day - dt.timedelta(days=behaviour.PAY_WINDOW_DAYS), day, companies)
	out = {}
	for name in names:
		risk = rules.churn_on(
			invoices.get(name, []),
			paid.get(name, []),
			payments.get(name, []),
			day,
			s["churn"],
			s["unreliable"],
		)
		if risk is not None:
			out[name] = (risk.level, risk.score, rules.reliability_on(payments.get(name, []), day))
	return out


def compute(
	names: list[str] | None = None, today: dt.date | None = None, days: list[dt.date] | None = None
) -> dict[tuple, rules.Tally]:
	"""(score, day, level) -> customers and outcomes, over the last 12 month-ends (or `days`)."""
	today = getdate(today or nowdate())
	days = days or rules.month_ends(today)
	s = settings()
	tallies: dict[tuple, rules.Tally] = defaultdict(rules.Tally)
	revenue: dict[dt.date, dict[str, float]] = defaultdict(dict)
	rhythm = (churn.LOW, churn.MEDIUM, churn.HIGH)
	for name, day, risk, lapsed, reliability, late, net in replay(names, today, days):
		revenue[day][name] = net
		if lapsed is not None:
			tallies[(CHURN, day, risk.level)].add(lapsed)
			if risk.level in rhythm:  # the High threshold decides among customers with a rhythm
				tallies[(CHURN_THRESHOLD, day, ALL)].add(lapsed)
				for t in rules.CHURN_THRESHOLDS:
					if risk.score >= t:
						tallies[(CHURN_THRESHOLD, day, str(t))].add(lapsed)
		if late is not None:
			level = (
				rules.NOT_MEASURED
				if reliability is None
				else UNRELIABLE
				if reliability < s["unreliable"]
				else RELIABLE
			)
			tallies[(PAYMENT, day, level)].add(late)
			tallies[(RELIABILITY_THRESHOLD, day, ALL)].add(late)
			for t in rules.RELIABILITY_THRESHOLDS:
				if reliability is not None and reliability < t:
					tallies[(RELIABILITY_THRESHOLD, day, str(t))].add(late)
	_lifetime_value(names, today, s, tallies)
	for day in days:
		later = rules.add_months(day, rules.ABC_HORIZON_MONTHS)
		if later in revenue and day in revenue:
			for tier, tally in rules.abc_stability(
				revenue[day], revenue[later], s["a_share"], s["b_share"]
			).items():
				tallies[(ABC, day, tier)] = tally
	return dict(tallies)


def _lifetime_value(names: list[str] | None, today: dt.date, s: dict, tallies: dict) -> None:
	"""At the month-ends whose next 12 months are over: the live projection's first year against
	the margin of those 12 months, per fifth of customers by the projection."""
	days = rules.clv_days(today)
	rates = history.company_rates()
	companies = sorted(rates) or [""]
	names = _customers() if names is None else sorted(names)
	predicted: dict[dt.date, dict[str, float]] = defaultdict(dict)
	actual: dict[dt.date, dict[str, float]] = defaultdict(dict)
	for start in range(0, len(names), CHUNK):
		sales = _month_sales(names[start : start + CHUNK], today, companies, rates)
		for name, mine in sales.items():
			for day in days:
				value = rules.predicted_year(mine, day, s["clv"], s["retention"], s["discount"])
				if value is not None:
					predicted[day][name] = value
					actual[day][name] = rules.margin_between(mine, day, rules.add_months(day, 12), s["clv"])
	for day, values in predicted.items():
		for name, level in rules.value_levels(values).items():
			tallies[(CLV, day, level)].add(actual[day][name] > 0, values[name], actual[day][name])


def store(tallies: dict[tuple, rules.Tally], commit: bool = False) -> int:
	"""Replaces the stored figures with these (a few hundred rows)."""
	frappe.db.delete("CRM Score Backtest")
	now = now_datetime()
	rows = [
		(
			frappe.generate_hash(length=12),
			day,
			score,
			level,
			t.customers,
			t.outcomes,
			now,
			now,
			now,
			"Administrator",
		)
		for (score, day, level), t in sorted(tallies.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2]))
	]
	frappe.db.bulk_insert(
		"CRM Score Backtest",
		(
			"name",
			"backtest_day",
			"score",
			"level",
			"customers",
			"outcomes",
			"computed_on",
			"creation",
			"modified",
			"owner",
		),
		rows,
	)
	if commit:
		frappe.db.commit()
	return len(rows)


def run(names: list[str] | None = None, today: dt.date | None = None, commit: bool = False) -> int:
	"""Backtest every customer (or these: tests) and store the figures; returns the rows stored."""
	return store(compute(names, today), commit=commit)


def last_computed() -> dt.datetime | None:
	return frappe.db.get_value("CRM Score Backtest", {}, "computed_on", order_by="computed_on desc")


def due(today: dt.date) -> bool:
	"""Tonight's run is due: never run, a week old, or a month has ended since."""
	last = last_computed()
	if not last:
		return True
	last = _day(last)
	return (today - last).days >= REFRESH_DAYS or (last.year, last.month) != (today.year, today.month)


def nightly_job() -> None:
	"""Scheduler (daily_long): the backtest, when due, committed at its end."""
	today = getdate(nowdate())
	if due(today):
		run(today=today, commit=True)


# --- what the reports read ------------------------------------------------------------


def stored(score: str) -> dict[str, rules.Tally]:
	"""Level -> customers and outcomes summed over the stored backtest days."""
	sbt = frappe.qb.DocType("CRM Score Backtest")
	rows = (
		frappe.qb.from_(sbt)
		.select(sbt.level, Sum(sbt.customers), Sum(sbt.outcomes), Sum(sbt.predicted), Sum(sbt.actual))
		.where(sbt.score == score)
		.groupby(sbt.level)
		.run()
	)
	return {level: rules.Tally(cint(c), cint(o), flt(p), flt(a)) for level, c, o, p, a in rows}


def days_stored() -> int:
	sbt = frappe.qb.DocType("CRM Score Backtest")
	return len(frappe.qb.from_(sbt).select(sbt.backtest_day).distinct().run())


# what the live scores use while a setting is empty (nightly._churn_settings, unreliable_below)
DEFAULTS = {
	"churn_high_score": churn.ChurnSettings.high_score,
	"unreliable_payer_below_percent": behaviour.LOW_RELIABILITY_PERCENT,
}

# score -> its levels (the first is the one the live scores flag), its threshold rows and
# the CRM Pack Settings field the threshold is
SCORES = {
	CHURN: (CHURN_LEVELS, CHURN_THRESHOLD, "churn_high_score"),
	PAYMENT: (PAYMENT_LEVELS, RELIABILITY_THRESHOLD, "unreliable_payer_below_percent"),
	ABC: (ABC_LEVELS, None, None),
	CLV: (CLV_LEVELS, None, None),
}


def figures(score: str) -> tuple[list[dict], int]:
	"""The report's rows for `score` (rules.figures over every stored day) and how many
	outcomes were decided; no rows when there is not enough history."""
	tallies = stored(score)
	decided = sum(t.customers for t in tallies.values())
	if not rules.enough_history(tallies):
		return [], decided
	return rules.figures(tallies, SCORES[score][0]), decided


def suggestion(score: str, min_precision: float) -> dict | None:
	"""The threshold the backtest suggests for `score` at `min_precision` (0–1), with what it
	would have caught; None when there is not enough history or no threshold reaches it."""
	rules.check_precision(min_precision)
	_levels, threshold_score, field = SCORES[score]
	if not threshold_score or not rules.enough_history(stored(score)):
		return None
	thresholds = stored(threshold_score)
	everyone = thresholds.pop(ALL, rules.Tally())
	candidates = {cint(level): t for level, t in thresholds.items()}
	current = flt(frappe.db.get_single_value("CRM Pack Settings", field)) or DEFAULTS[field]
	value = rules.suggest(candidates, everyone.outcomes, min_precision, current)
	if value is None:
		return None
	t = candidates[value]
	return {
		"value": value,
		"field": field,
		"current": current,
		"caught": t.outcomes / everyone.outcomes,
		"precision": t.outcomes / t.customers,
	}


def headline(score: str) -> str | None:
	"""One line for the Churn Risk report and the Collections Worklist: what the flagged
	level caught on this site, or None before the backtest has enough history."""
	rows, _decided = figures(score)
	if not rows or rows[0]["share"] is None:
		return None
	caught, share = round(100 * (rows[0]["caught"] or 0)), round(100 * rows[0]["share"])
	if score == CHURN:
		return frappe._(
			"On this site, High flagged {0}% of the customers who lapsed; {1}% of High lapsed "
			"(backtest of the last 12 month-ends: How Well the Scores Predicted)."
		).format(caught, share)
	return frappe._(
		"On this site, unreliable payers were {0}% of the customers who then paid late; {1}% of "
		"unreliable payers paid late (backtest of the last 12 month-ends: How Well the Scores Predicted)."
	).format(caught, share)
