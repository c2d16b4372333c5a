"""Benchmark (b): crm_pack's customer summary vs ERPNext's get_dashboard_info, for a
customer with 10,000 invoices (target <= 0.5x), and the summary's query count for a
small and a large customer (must not grow with invoices).

The 10,000 invoices are one real submitted invoice copied with frappe.db.bulk_insert
(invoice, GL and Payment Ledger rows), then the customer's figures are recomputed
from them. Runs in one transaction and rolls back.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/summary_vs_dashboard.py --site <site>
"""

from _site import connect, median, timed

args = connect(__doc__)

import frappe  # noqa: E402

from crm_pack.api.ledger import get_customer_summary  # noqa: E402
from crm_pack.ledger.refresh import recompute, refresh_in_transaction  # noqa: E402
from tests.integration import factories  # noqa: E402
from tests.integration.query_count import QueryCount  # noqa: E402

INVOICES = 10_000


def copy_rows(doctype: str, filters: dict, rename: dict, copies: int) -> None:
	"""Copies the rows matching filters `copies` times; `rename` maps a field to its copy's value."""
	rows = frappe.get_all(doctype, filters=filters, fields=["*"])
	fields = list(rows[0].keys())
	values = []
	for n in range(copies):
		for row in rows:
			new = dict(row)
			for field, make in rename.items():
				new[field] = make(row, n)
			values.append(tuple(new[f] for f in fields))
	frappe.db.bulk_insert(doctype, fields, values, chunk_size=2_000)


def make_large_customer() -> str:
	cust = factories.customer()
	template = factories.sales_invoice(cust, 100)
	suffix = lambda value, n: f"{value}-B{n}"  # noqa: E731
	copy_rows(
		"Sales Invoice", {"name": template.name}, {"name": lambda r, n: suffix(r.name, n)}, INVOICES - 1
	)
	for doctype, voucher_field in (("GL Entry", "voucher_no"), ("Payment Ledger Entry", "voucher_no")):
		rename = {
			"name": lambda r, n: suffix(r.name, n),
			voucher_field: lambda r, n: suffix(r.voucher_no, n),
		}
		rename["against_voucher" if doctype == "GL Entry" else "against_voucher_no"] = (
			lambda r, n, f=("against_voucher" if doctype == "GL Entry" else "against_voucher_no"): (
				suffix(r[f], n) if r[f] else r[f]
			)
		)
		copy_rows(doctype, {"voucher_no": template.name, "party": cust}, rename, INVOICES - 1)
	refresh_in_transaction([cust])
	return cust


def measure(fn, runs):
	fn()
	with QueryCount() as q:
		fn()
	return median([timed(fn) for _ in range(runs)]), q.count


def main():
	from erpnext.accounts.party import get_dashboard_info

	factories.ensure_base_records()
	frappe.db.commit()
	small = factories.customer()
	for _ in range(5):
		factories.sales_invoice(small, 100)
	large = make_large_customer()
	assert frappe.db.count("Sales Invoice", {"customer": large}) == INVOICES
	_, small_queries = measure(lambda: get_customer_summary(small), 5)
	times = {"summary": [], "dashboard": []}
	for _ in range(args.runs):
		times["summary"].append(timed(lambda: get_customer_summary(large)))
		times["dashboard"].append(timed(lambda: get_dashboard_info("Customer", large)))
	_, summary_queries = measure(lambda: get_customer_summary(large), 1)
	_, dashboard_queries = measure(lambda: get_dashboard_info("Customer", large), 1)
	outstanding = get_customer_summary(large)["outstanding_amount"]
	# the full recompute (what a submit does up to the voucher limit, and the job beyond it)
	refresh_large, refresh_queries = measure(lambda: recompute([large]), 10)
	refresh_small, _ = measure(lambda: recompute([small]), 10)
	frappe.db.rollback()
	a, b = median(times["summary"]), median(times["dashboard"])
	print(f"customer with {INVOICES} invoices (outstanding {outstanding}), median of {args.runs} each")
	print(
		f"  get_customer_summary : {a * 1000:7.2f} ms  ({summary_queries} queries; {small_queries} for a 5-invoice customer)"
	)
	print(f"  get_dashboard_info   : {b * 1000:7.2f} ms  ({dashboard_queries} queries)")
	print(f"  ratio                : {a / b:.3f}  (target <= 0.5)")
	print(
		f"  full recompute of one customer: {refresh_large * 1000:.1f} ms at {INVOICES} invoices, "
		f"{refresh_small * 1000:.1f} ms at 5 ({refresh_queries} queries both)"
	)


main()
