"""Site-wide runs a CRM Manager starts from the desk are queued once, never run inside the
web request, and end with a notification to whoever started them."""

import frappe
import pytest
from frappe.utils.background_jobs import get_job, is_job_enqueued

from crm_pack.analytics import nightly
from crm_pack.api.analytics import run_now
from crm_pack.api.ledger import recompute_all_customers
from crm_pack.ledger import refresh

MANAGER = "crm.manager@crm-pack.test"


@pytest.fixture
def no_queued_jobs():
	def clear():
		for job_id in (refresh.RECOMPUTE_ALL_JOB_ID, nightly.RUN_NOW_JOB_ID):
			job = get_job(job_id)
			if job:
				job.delete()

	clear()
	yield
	clear()


@pytest.mark.parametrize(
	"method, job_id",
	[(recompute_all_customers, refresh.RECOMPUTE_ALL_JOB_ID), (run_now, nightly.RUN_NOW_JOB_ID)],
)
def test_a_second_request_while_one_is_queued_queues_nothing(method, job_id, no_queued_jobs):
	frappe.set_user(MANAGER)
	first = method()
	assert first["queued"] is True
	frappe.db.commit()  # enqueue_after_commit is not used: the job is in the queue now
	assert is_job_enqueued(job_id)
	second = method()
	assert second["queued"] is False and "already running" in second["message"]


def test_both_methods_accept_post_only():
	for method in (recompute_all_customers, run_now):
		assert frappe.allowed_http_methods_for_whitelisted_func[method] == ["POST"]


def test_the_recompute_ends_with_a_notification_to_its_starter():
	before = frappe.db.count("Notification Log", {"for_user": MANAGER})
	refresh.recompute_all_for(MANAGER)
	logs = frappe.get_all(
		"Notification Log", filters={"for_user": MANAGER}, fields=["subject"], order_by="creation desc"
	)
	assert len(logs) == before + 1
	assert "customers corrected" in logs[0].subject
