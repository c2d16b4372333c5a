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


def test_an_accounts_manager_runs_the_payment_follow_ups_from_the_desk():
	"""Who sets collections up runs them at once (the worklist's and the settings' button);
	a collector may not."""
	from crm_pack.api.collections import FOLLOW_UPS_JOB_ID, run_follow_ups_now
	from tests.integration.collections_setup import configure

	configure()
	frappe.set_user("accounts.manager@crm-pack.test")
	try:
		assert run_follow_ups_now()["queued"] is True
		frappe.db.after_commit.run()  # what the request's commit does
		assert is_job_enqueued(FOLLOW_UPS_JOB_ID)
		frappe.set_user("accounts.user@crm-pack.test")
		with pytest.raises(frappe.PermissionError):
			run_follow_ups_now()
	finally:
		frappe.set_user("Administrator")
		job = get_job(FOLLOW_UPS_JOB_ID)
		if job:
			job.delete()
	assert frappe.allowed_http_methods_for_whitelisted_func[run_follow_ups_now] == ["POST"]
