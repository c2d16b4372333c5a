"""Connects a benchmark to a bench site: CRM_PACK_BENCH (default ~/frappe-bench), --site."""

import argparse
import os
import pathlib
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]


def connect(description: str, add_arguments=None) -> argparse.Namespace:
	"""`add_arguments(parser)` adds a benchmark's own options."""
	parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawTextHelpFormatter)
	parser.add_argument("--site", default=os.environ.get("CRM_PACK_BENCH_SITE", "crm.localhost"))
	parser.add_argument("--runs", type=int, default=100)
	if add_arguments:
		add_arguments(parser)
	args = parser.parse_args()
	bench = pathlib.Path(os.environ.get("CRM_PACK_BENCH", pathlib.Path.home() / "frappe-bench")).expanduser()
	sys.path.insert(0, str(REPO))
	os.chdir(bench / "sites")
	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	return args


def median(values):
	values = sorted(values)
	mid = len(values) // 2
	return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def paired_ratio(a: list, b: list) -> float:
	"""Median of a[i] / b[i] over runs taken in alternating pairs: drift between pairs cancels."""
	return median([x / y for x, y in zip(a, b, strict=True)])


def timed(fn):
	start = time.perf_counter()
	fn()
	return time.perf_counter() - start


def environment() -> str:
	"""What the figures depend on beyond the code: the database's memory and the machine's load."""
	import frappe

	pool = int(frappe.db.sql("select @@innodb_buffer_pool_size")[0][0])
	one, five, fifteen = os.getloadavg()
	return (
		f"innodb_buffer_pool_size {pool / 2**20:.0f} MB; load average {one:.2f} {five:.2f} {fifteen:.2f}"
		f" on {os.cpu_count()} cores"
	)


def raw_group_by():
	"""The analytics benchmarks' floor: one GROUP BY customer over the submitted invoices."""
	import frappe
	from frappe.query_builder.functions import Sum

	si = frappe.qb.DocType("Sales Invoice")
	return (
		frappe.qb.from_(si)
		.select(si.customer, Sum(si.base_net_total))
		.where(si.docstatus == 1)
		.groupby(si.customer)
		.run()
	)


def without_crm_pack(hooks: dict) -> dict:
	"""doc_events as they would be without crm_pack (set as frappe.local.doc_events_hooks)."""
	return {
		doctype: {
			event: [m for m in methods if not m.startswith("crm_pack.")] for event, methods in events.items()
		}
		for doctype, events in hooks.items()
	}


def verdict(value: float, target: float, below: bool = True) -> str:
	met = value <= target if below else value >= target
	return f"(target {'<=' if below else '>='} {target:g}: {'met' if met else 'NOT met'})"
