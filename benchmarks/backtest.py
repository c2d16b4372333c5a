"""Benchmark for the backtest of the scores (crm_pack/analytics/backtest.py) on a SCRATCH site
holding the synthetic customers of analytics_100k.py (load them there with
`analytics_100k.py --load --scales 10000`): times the backtest of everyone (the last 12
month-ends replayed, the lifetime value's 12 earlier ones, the figures stored) against one raw
SQL GROUP BY over the invoices and against the nightly analytics run, and prints its share of
a night — it runs weekly and after each month-end, so its cost per night is a seventh of it —
with the process's peak memory (target <= 1 GB, as for the analytics).

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/backtest.py --site <scratch-site> [--runs 3]

Everything it writes is rolled back. Each figure is the median of --runs runs (default 3).
"""

import datetime
import resource
import time

from _site import connect, environment, median, raw_group_by, verdict

args = connect(__doc__)
RUNS = args.runs if args.runs != 100 else 3

import frappe  # noqa: E402

from crm_pack.analytics import backtest, nightly  # noqa: E402


def main():
	print(environment())
	customers = frappe.db.count("CRM Customer")
	invoices = frappe.db.count("Sales Invoice", {"docstatus": 1})
	print(f"{customers} customers, {invoices} submitted invoices; median of {RUNS} runs")
	for table in ("Sales Invoice", "Sales Invoice Item", "Payment Ledger Entry", "CRM Customer"):
		frappe.db.sql(f"select count(*), sum(length(name)) from `tab{table}`")  # noqa: S608 — constant names
	raw_group_by()
	today = datetime.date.today()
	runs = {"floor": [], "backtest": [], "nightly": []}
	stored = 0
	for _run in range(RUNS):
		started = time.perf_counter()
		raw_group_by()
		runs["floor"].append(time.perf_counter() - started)

		started = time.perf_counter()
		stored = backtest.run(today=today)
		runs["backtest"].append(time.perf_counter() - started)
		frappe.db.rollback()

		started = time.perf_counter()
		nightly.recompute_all(today=today)
		runs["nightly"].append(time.perf_counter() - started)
		frappe.db.rollback()
	floor, run, night = (median(runs[k]) for k in ("floor", "backtest", "nightly"))
	peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
	print(f"  raw GROUP BY over the invoices : {floor:6.2f} s")
	print(f"  nightly analytics run          : {night:6.2f} s = {night / floor:.1f}x the floor")
	print(f"  backtest, everyone ({stored} rows)  : {run:6.2f} s = {run / floor:.1f}x the floor")
	print(f"  backtest per night (weekly run) : {run / 7:6.2f} s = {run / 7 / night:.0%} of the nightly run")
	print(f"  peak memory of the process     : {peak_mb:.0f} MB {verdict(peak_mb, 1024)}")
	print(environment())


main()
