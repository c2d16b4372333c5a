"""Benchmark: the daily payment follow-up on a chunk of customers, and the same run again.

Creates `--runs` customers with an invoice 40 days overdue (30-day level: ERPNext's Dunning,
submitted, and an email with the Dunning letter in the Email Queue) and as many 3 days
overdue (an email), runs one chunk in-process, then the same chunk again (nothing to send).
Prints time per step, queries per step, the second run's time and the candidate read over
the site's whole Payment Ledger. Everything is rolled back at the end.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/follow_up_run.py --site <site> --runs 20
"""

from _site import connect, timed

args = connect(__doc__)

import frappe  # noqa: E402
from frappe.utils import getdate, nowdate  # noqa: E402

from crm_pack import compat  # noqa: E402
from crm_pack.credit_control import follow_up_run  # noqa: E402
from tests.integration import collections_setup as setup  # noqa: E402
from tests.integration import factories  # noqa: E402
from tests.integration.query_count import QueryCount  # noqa: E402


def main():
	compat.set_in_test(True)  # the throwaway outgoing account is not dialled
	factories.ensure_base_records()
	setup.outgoing_email_account()
	setup.configure(
		[
			{"days_overdue": 1, "title": "Friendly reminder", "channel": "Email"},
			{"days_overdue": 30, "title": "Letter", "channel": "Email", "dunning_type": setup.dunning_type()},
		]
	)
	customers = []
	for days in (40, 3):
		for _ in range(args.runs):
			cust = setup.customer_with_email()
			setup.overdue_invoice(cust, 100, days)
			customers.append(cust)
	today = getdate(nowdate())
	with QueryCount() as q:
		first = timed(lambda: follow_up_run.run_chunk(customers, today))
	steps = frappe.db.count(
		"Customer Interaction", {"customer": ("in", customers), "interaction_type": "Payment Reminder"}
	)
	with QueryCount() as q2:
		second = timed(lambda: follow_up_run.run_chunk(customers, today))
	candidates = timed(lambda: follow_up_run.candidates(today))
	n = len(follow_up_run.candidates(today))
	frappe.db.rollback()
	frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
	print(
		f"{len(customers)} customers, {steps} steps ({args.runs} with a Dunning): first run {first:.2f} s "
		f"= {1000 * first / max(steps, 1):.0f} ms and {q.count / max(steps, 1):.0f} queries a step; "
		f"second run {second:.2f} s, {q2.count} queries, nothing sent; "
		f"candidate read over the site: {candidates * 1000:.0f} ms for {n} candidates"
	)


main()
