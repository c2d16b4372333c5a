"""Benchmark (a): median Sales Invoice submit() with crm_pack's hooks vs with them bypassed.

Each timing is the submit plus crm_pack's before-commit refresh (what the user's commit
runs). Runs both in one process, alternating A/B, so machine drift cancels out; prints
the ratio of medians (target <= 1.05). Everything is rolled back at the end.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/submit_overhead.py --site <site> --runs 100
"""

from _site import connect, median, timed

args = connect(__doc__)

import frappe  # noqa: E402

from crm_pack.ledger import events  # noqa: E402
from tests.integration import factories  # noqa: E402
from tests.integration.query_count import QueryCount  # noqa: E402


def without_crm_pack(hooks: dict) -> dict:
	return {
		doctype: {
			event: [m for m in methods if not m.startswith("crm_pack.")] for event, methods in events.items()
		}
		for doctype, events in hooks.items()
	}


def main():
	factories.ensure_base_records()
	frappe.db.commit()
	cust = factories.customer()
	with_hooks = frappe.get_doc_hooks()
	bypassed = without_crm_pack(with_hooks)
	times = {"hooks": [], "bypassed": []}
	queries = {}
	for i in range(args.runs * 2 + 2):
		mode = "hooks" if i % 2 == 0 else "bypassed"
		frappe.local.doc_events_hooks = with_hooks if mode == "hooks" else bypassed
		doc = factories.sales_invoice(cust, 100, submit=False)
		with QueryCount() as q:
			elapsed = timed(lambda d=doc: (d.submit(), events.flush()))
		if i >= 2:  # first pair warms caches
			times[mode].append(elapsed)
			queries[mode] = q.count
	frappe.local.doc_events_hooks = with_hooks
	frappe.db.rollback()
	a, b = median(times["hooks"]), median(times["bypassed"])
	print(
		f"Sales Invoice submit, median of {args.runs} each, one customer with up to {args.runs * 2} invoices"
	)
	print(f"  with crm_pack hooks : {a * 1000:7.1f} ms  ({queries['hooks']} queries)")
	print(f"  hooks bypassed      : {b * 1000:7.1f} ms  ({queries['bypassed']} queries)")
	print(f"  ratio               : {a / b:.3f}  (target <= 1.05)")


main()
