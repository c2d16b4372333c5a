"""End to end through a real background worker: a submit that leaves its customer for
after the commit is picked up by the RQ job it queued. Commits its own data (unique
customer) and restores the one setting it changes."""

import os
import subprocess
import sys

import frappe
from frappe.utils.background_jobs import get_job, is_job_enqueued

from crm_pack.ledger import refresh
from tests.integration import books, factories
from tests.integration.conftest import SITES_PATH


def set_limit(value: int) -> None:
	frappe.db.set_single_value("CRM Pack Settings", "sync_refresh_max_vouchers", value)
	frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
	frappe.db.commit()


def clear_stale_dirty_job() -> None:
	"""A job left "started" by a worker that died (or kept in Redis's snapshot from an earlier
	run) would make the commit below queue nothing: frappe deduplicates on its id. Such a job
	runs nowhere, so it is cleared; a queued one is kept and the worker below takes it."""
	job = get_job(refresh.DIRTY_JOB_ID)
	if job and job.get_status() != "queued":
		job.delete()


def test_after_commit_job_refreshes_the_customer():
	clear_stale_dirty_job()
	cust = factories.customer()
	for _ in range(3):
		factories.sales_invoice(cust, 10)
	frappe.db.commit()
	limit = frappe.db.get_single_value("CRM Pack Settings", "sync_refresh_max_vouchers")
	set_limit(2)
	try:
		factories.sales_invoice(cust, 10)
		frappe.db.commit()  # the commit queues crm_pack.ledger.refresh.recompute_job
	finally:
		set_limit(limit)
	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 1
	assert is_job_enqueued(refresh.DIRTY_JOB_ID)

	worker = subprocess.run(
		[
			sys.executable,
			"-m",
			"frappe.utils.bench_helper",
			"frappe",
			"worker",
			"--queue",
			"short",
			"--burst",
		],
		cwd=SITES_PATH,
		capture_output=True,
		text=True,
		env=os.environ,
		timeout=300,
	)
	assert worker.returncode == 0, worker.stderr[-2000:]

	frappe.db.commit()  # a new snapshot that sees the worker's commit
	job = get_job(refresh.DIRTY_JOB_ID)
	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 0, (
		f"job {job and job.get_status()}: {job and job.exc_info}\n"
		f"{worker.stdout[-3000:]}{worker.stderr[-3000:]}"
	)
	assert books.stored(cust) == books.expected(cust, factories.company())
	assert books.stored(cust)["outstanding_amount"] == 40
