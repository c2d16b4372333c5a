"""Connects a benchmark to a bench site: CRM_PACK_BENCH (default ~/frappe-bench), --site."""

import argparse
import os
import pathlib
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]


def connect(description: str) -> argparse.Namespace:
	parser = argparse.ArgumentParser(description=description)
	parser.add_argument("--site", default=os.environ.get("CRM_PACK_BENCH_SITE", "crm.localhost"))
	parser.add_argument("--runs", type=int, default=100)
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


def timed(fn):
	start = time.perf_counter()
	fn()
	return time.perf_counter() - start
