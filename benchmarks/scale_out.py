"""Scale-out benchmark: the chunked site-wide runs (crm_pack/utils/chunked_jobs.py) with
1 and with 2 real RQ workers (`bench worker --queue long`, as frappe starts them), on
the loaded analytics scratch site (analytics_100k.py --load):

- analytics rebuild (every basis read again) and the nightly run (2 % of the
  customers changed), each ending with the scoring of everyone (the final step);
- the data-quality run; the full ledger recompute (--ledger: minutes at 100,000).

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/scale_out.py --site <scratch-site> \
        --redis redis://127.0.0.1:11013 [--runs 3] [--ledger]

The jobs must not reach anybody else's workers: the site's site_config.json must set
"redis_queue" to the private Redis given with --redis (started beforehand,
`redis-server --port 11013 --bind 127.0.0.1 --save ""`), and the workers started here
get it through FRAPPE_REDIS_QUEUE. The runs interleave (1, 2, 1, 2 ...) and the
medians are printed with the load average, since the machine is shared.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--site", required=True)
parser.add_argument("--redis", required=True)
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--ledger", action="store_true")
parser.add_argument("--workers", default="1,2")
parser.add_argument("--only", default="", help="comma-separated labels, e.g. 'data quality'")
args = parser.parse_args()
bench = pathlib.Path(os.environ.get("CRM_PACK_BENCH", pathlib.Path.home() / "frappe-bench")).expanduser()
sys.path.insert(0, str(REPO))
os.chdir(bench / "sites")

import frappe  # noqa: E402

frappe.init(site=args.site, sites_path=".")
frappe.connect()
frappe.set_user("Administrator")
if frappe.conf.redis_queue != args.redis:
	sys.exit(f"{args.site}'s site_config.json must set redis_queue to {args.redis} (a private Redis)")

from frappe.utils.background_jobs import get_queue, get_redis_conn  # noqa: E402
from rq import Worker  # noqa: E402

from crm_pack.analytics import basis as analytics_basis  # noqa: E402
from crm_pack.analytics import nightly  # noqa: E402
from crm_pack.ledger import refresh  # noqa: E402
from crm_pack.relationship import data_quality  # noqa: E402
from crm_pack.utils import chunked_jobs  # noqa: E402


def median(values):
	values = sorted(values)
	mid = len(values) // 2
	return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def start_workers(n: int) -> list[subprocess.Popen]:
	env = {**os.environ, "FRAPPE_REDIS_QUEUE": args.redis, "PYTHONPATH": str(REPO)}
	workers = [
		subprocess.Popen(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"worker",
				"--queue",
				"long",
				"--quiet",
			],
			env=env,
			stdout=subprocess.DEVNULL,
			stderr=open(f"/tmp/crm_pack_scale_worker_{i}.log", "w"),  # noqa: SIM115
		)
		for i in range(n)
	]
	connection = get_redis_conn()
	deadline = time.time() + 120
	while len(Worker.all(connection=connection)) < n:
		if time.time() > deadline:
			sys.exit("the workers did not register")
		time.sleep(0.2)
	return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
	for worker in workers:
		worker.terminate()
	for worker in workers:
		worker.wait(timeout=60)
	connection = get_redis_conn()
	while Worker.all(connection=connection):
		time.sleep(0.2)


def wait_idle(run: str) -> None:
	queue = get_queue("long")
	connection = get_redis_conn()
	while True:
		busy = queue.count or queue.started_job_registry.count or chunked_jobs.in_progress(run)
		if not busy and all(w.get_state() != "busy" for w in Worker.all(connection=connection)):
			return
		time.sleep(0.1)


def prepare_rebuild():
	frappe.db.sql("update `tabCRM Customer` set analytics_basis_key = ''")
	frappe.db.commit()


def prepare_nightly():
	# after the rebuild every basis is current: 2 % of the customers' ledgers change
	names = frappe.get_all("CRM Customer", pluck="name", order_by="name")
	analytics_basis.mark_changed(names[::50])
	frappe.db.commit()


def prepare_quality():
	frappe.db.sql("update `tabCRM Customer` set data_quality_score = -1")
	frappe.db.commit()


def prepare_ledger():
	frappe.db.sql("update `tabCRM Customer` set outstanding_amount = outstanding_amount + 1")
	frappe.db.commit()


RUNS = [
	("analytics rebuild", prepare_rebuild, nightly.recompute_all_job, nightly.RUN),
	("analytics nightly", prepare_nightly, nightly.recompute_all_job, nightly.RUN),
	("data quality", prepare_quality, data_quality.recompute_all_job, data_quality.RUN),
]
if args.ledger:
	RUNS.append(("ledger recompute", prepare_ledger, refresh.recompute_all_job, refresh.RUN))
if args.only:
	RUNS = [r for r in RUNS if r[0] in args.only.split(",")]


def main():
	counts = [int(n) for n in args.workers.split(",")]
	customers = frappe.db.count("CRM Customer")
	print(f"{args.site}: {customers} CRM customers, {frappe.db.count('Sales Invoice')} invoices")
	print(f"chunk size {nightly.CHUNK_CUSTOMERS} customers; load average before: {os.getloadavg()}")
	times = {(label, n): [] for label, *_ in RUNS for n in counts}
	loads = []
	for _round in range(args.runs):
		for n in counts:
			workers = start_workers(n)
			try:
				for label, prepare, coordinator, run in RUNS:
					prepare()
					started = time.perf_counter()
					coordinator()
					frappe.db.commit()
					wait_idle(run)
					seconds = time.perf_counter() - started
					times[(label, n)].append(seconds)
					loads.append(os.getloadavg()[0])
					print(f"  {label:<20} {n} worker(s): {seconds:6.1f} s   (load {os.getloadavg()[0]:.1f})")
			finally:
				stop_workers(workers)
	print(f"medians of {args.runs} interleaved runs (load average during: {median(loads):.1f}):")
	for label, *_ in RUNS:
		row = [median(times[(label, n)]) for n in counts]
		# fewest workers over most, whichever order --workers ran them in
		fewest, most = (median(times[(label, n)]) for n in (min(counts), max(counts)))
		ratio = fewest / most if most else 0
		cells = "   ".join(f"{n} worker(s) {t:6.1f} s" for n, t in zip(counts, row, strict=True))
		print(f"  {label:<20} {cells}   speed-up {ratio:.2f}×")


main()
