"""Site-wide runs in chunks on the long queue (crm_pack/utils/chunked_jobs.py): the same
figures as one run, each chunk queued once, a failing chunk retried then logged while
the others keep their work.

The jobs go to the real queue, on the suite's own Redis database (tests/run_tests.sh sets
FRAPPE_REDIS_QUEUE), which the bench's workers do not serve; each test takes this site's
crm_pack jobs off the long queue and runs them in-process the way a worker does (frappe's
execute_job), until none is left. Chunks commit, so the data here is
committed (unique customers, as in test_ledger_worker.py)."""

import frappe
import pytest
from frappe.utils import add_days, nowdate
from frappe.utils.background_jobs import create_job_id, execute_job, get_job, get_queue, is_job_enqueued

from crm_pack.analytics import basis as analytics_basis
from crm_pack.analytics import nightly
from crm_pack.ledger import refresh
from crm_pack.relationship import data_quality
from crm_pack.utils import chunked_jobs
from tests.integration import factories

FIELDS = (*analytics_basis.FIELDS, *nightly.SCORE_FIELDS, "analytics_scores_digest", "analytics_dirty")


def queued_prefix() -> str:
	"""How RQ names this site's crm_pack jobs (v15 `site::crm_pack::`, v16 `site||crm_pack||`)."""
	return create_job_id("crm_pack::")


def as_job_id(queued_id: str) -> str:
	"""The id crm_pack gave a queued job (v16 writes its colons as bars)."""
	return "crm_pack::" + queued_id.removeprefix(queued_prefix()).replace("|", ":")


def drain() -> list[str]:
	"""Runs this site's queued crm_pack jobs in-process, in queue order, as a worker would."""
	queue = get_queue("long")
	prefix = queued_prefix()
	ran = []
	while True:
		ids = [i for i in queue.get_job_ids() if i.startswith(prefix)]
		if not ids:
			return ran
		for job_id in ids:
			job = queue.fetch_job(job_id)
			queue.remove(job_id)
			if job is None:
				continue
			execute_job(**{**job.kwargs, "is_async": False})
			job.delete()
			ran.append(as_job_id(job_id))


@pytest.fixture(autouse=True)
def clean_queue():
	def clear():
		queue = get_queue("long")
		for job_id in queue.get_job_ids():
			if job_id.startswith(queued_prefix()):
				queue.remove(job_id)
		for run in (nightly.RUN, data_quality.RUN, refresh.RUN, "test_flaky"):
			for part in (*range(5), "0:attempt2", "1:attempt2", "final"):
				job = get_job(chunked_jobs.job_id(run, part))
				if job:
					job.delete()
		for run in (nightly.RUN, data_quality.RUN, refresh.RUN, "test_flaky"):
			frappe.cache.delete(chunked_jobs._counter(run), chunked_jobs._failed(run))

	clear()
	yield
	clear()


def figures() -> dict[str, tuple]:
	crm = frappe.qb.DocType("CRM Customer")
	rows = frappe.qb.from_(crm).select(crm.name, *(crm[f] for f in FIELDS)).run()
	return {row[0]: row[1:] for row in rows}


@pytest.fixture
def history():
	"""Customers with rhythms, a referral chain and returns, committed."""
	names = [factories.customer() for _ in range(6)]
	for i, name in enumerate(names):
		for n in range(2 + i):
			factories.sales_invoice(name, 100 * (i + 1), posting_date=add_days(nowdate(), -(20 + 7 * i) * n))
	frappe.db.set_value("CRM Customer", names[1], "referred_by", names[0])
	frappe.db.set_value("CRM Customer", names[2], "referred_by", names[0])
	frappe.db.set_value("CRM Customer", names[3], "referred_by", names[2])
	frappe.db.commit()
	return names


def single_then_chunked(chunk_size: int) -> tuple[dict, dict]:
	"""The figures of one run (rolled back) and of the chunked run of the same state."""
	nightly.recompute_all()
	single = figures()
	frappe.db.rollback()
	queued = nightly.start_run(chunk_size=chunk_size)
	assert queued, "the coordinator queued its chunks"
	ran = drain()
	assert ran[-1] == chunked_jobs.job_id(nightly.RUN, "final")
	frappe.db.rollback()  # a snapshot that sees the jobs' commits
	return single, figures()


def test_chunked_analytics_give_the_figures_of_one_run(history):
	# a rebuild: every basis read again, in a handful of chunks
	frappe.db.sql("update `tabCRM Customer` set analytics_basis_key = ''")
	frappe.db.commit()
	total = frappe.db.count("CRM Customer")
	single, chunked = single_then_chunked(max(2, total // 4))
	assert chunked == single

	# a night: two customers changed, one of them referred by a third (read with it)
	analytics_basis.mark_changed([history[3], history[5]])
	frappe.db.commit()
	single, chunked = single_then_chunked(1)
	assert chunked == single
	assert chunked[history[3]][FIELDS.index("analytics_dirty")] == 0


def test_referrers_share_a_chunk_with_the_customers_they_referred():
	names = ["a", "b", "c", "d", "e"]
	chunks = nightly.chunks_of(names, {"b": "e", "d": "b", "c": "x"}, 1)
	together = next(chunk for chunk in chunks if "b" in chunk)
	assert set(together) == {"b", "d", "e"}
	assert sorted(sum(chunks, [])) == names


def test_a_second_coordinator_while_a_run_is_under_way_queues_nothing(history):
	frappe.db.sql("update `tabCRM Customer` set analytics_basis_key = ''")
	frappe.db.commit()
	first = nightly.start_run(chunk_size=10**6)
	assert first == [chunked_jobs.job_id(nightly.RUN, 0)]
	assert is_job_enqueued(first[0])
	assert nightly.start_run(chunk_size=10**6) == []
	# the chunk's id is fixed: queueing it again while it waits adds no second job
	chunked_jobs._enqueue_chunk(nightly.RUN, "x", [], {}, None, {}, 0, attempt=1)
	ids = [i for i in get_queue("long").get_job_ids() if as_job_id(i) == first[0]]
	assert len(ids) == 1
	assert get_job(first[0]).kwargs["kwargs"]["chunk_method"] == "crm_pack.analytics.nightly.refresh_chunk"
	drain()
	assert not chunked_jobs.in_progress(nightly.RUN)


FAILURES: dict[str, int] = {}


def flaky_chunk(names: list[str], fail_times: int) -> None:
	"""Recomputes data quality, after failing `fail_times` times for the chunk holding "fails"."""
	if "fails" in names and FAILURES.get("fails", 0) < fail_times:
		FAILURES["fails"] = FAILURES.get("fails", 0) + 1
		data_quality.recompute([n for n in names if n != "fails"])  # half done, then rolled back
		raise RuntimeError("chunk failed")
	data_quality.recompute([n for n in names if n != "fails"])


def record_final(failed: int) -> None:
	frappe.cache.set(frappe.cache.make_key("crm_pack:test_final"), failed)


@pytest.mark.parametrize("fail_times, logged", [(1, 0), (2, 1)])
def test_a_failing_chunk_is_retried_then_logged_and_the_others_keep_their_work(
	fail_times, logged, monkeypatch
):
	# the worker resolves the methods by name: these stand in for a chunk that fails and a final step
	monkeypatch.setattr(data_quality, "recompute_chunk", flaky_chunk)
	monkeypatch.setattr(nightly, "score_job", record_final)
	FAILURES.clear()
	good, other = factories.customer(), factories.customer()
	for name in (good, other):
		frappe.db.set_value("CRM Customer", name, "data_quality_score", -1)
	frappe.db.commit()
	errors = frappe.db.count("Error Log", {"method": ["like", "%test_flaky chunk 1 failed%"]})
	chunked_jobs.start(
		"test_flaky",
		"crm_pack.relationship.data_quality.recompute_chunk",
		[[good], ["fails", other]],
		kwargs={"fail_times": fail_times},
		final="crm_pack.analytics.nightly.score_job",
	)
	ran = drain()
	assert chunked_jobs.job_id("test_flaky", "1:attempt2") in ran, ran
	assert ran[-1] == chunked_jobs.job_id("test_flaky", "final"), ran
	frappe.db.rollback()
	assert frappe.db.get_value("CRM Customer", good, "data_quality_score") >= 0
	# retried once: the second attempt did the chunk's work; failed twice: its work is undone and logged
	assert (frappe.db.get_value("CRM Customer", other, "data_quality_score") >= 0) == (not logged)
	after = frappe.db.count("Error Log", {"method": ["like", "%test_flaky chunk 1 failed%"]})
	assert after - errors == logged
	assert int(frappe.cache.get(frappe.cache.make_key("crm_pack:test_final"))) == logged


def test_data_quality_and_ledger_runs_in_chunks_match_one_run(history):
	def both():
		return frappe.get_all(
			"CRM Customer",
			fields=["name", "data_quality_score", "is_stale", "last_activity_date", "outstanding_amount"],
			order_by="name",
		)

	# every customer's stored figures wrong, so both runs have everything to correct
	frappe.db.sql(
		"update `tabCRM Customer` set data_quality_score = -1, outstanding_amount = outstanding_amount + 1"
	)
	frappe.db.commit()
	data_quality.recompute()
	refresh.recompute_all()
	single = both()
	frappe.db.rollback()
	data_quality.recompute_all_job()
	refresh.recompute_all_job()
	ran = drain()
	assert chunked_jobs.job_id(data_quality.RUN, 0) in ran and chunked_jobs.job_id(refresh.RUN, 0) in ran
	frappe.db.rollback()
	assert both() == single
	assert frappe.db.get_value("CRM Customer", history[0], "outstanding_amount") == sum(
		frappe.get_all(
			"Sales Invoice", filters={"customer": history[0], "docstatus": 1}, pluck="outstanding_amount"
		)
	)


def test_chunks_read_on_the_replica_when_the_site_has_one(history, monkeypatch):
	"""Frappe's read_from_replica, with the primary's server standing in for a replica (a
	second connection, which sees only committed rows, as a replica does)."""
	frappe.db.sql("update `tabCRM Customer` set analytics_basis_key = ''")
	frappe.db.commit()
	nightly.recompute_all()
	single = figures()
	frappe.db.rollback()
	monkeypatch.setitem(frappe.local.conf, "read_from_replica", 1)
	monkeypatch.setitem(frappe.local.conf, "replica_host", frappe.local.conf.db_host or "127.0.0.1")
	switched = []
	connect = frappe.connect_replica

	def spy():
		switched.append(connect())
		return switched[-1]

	monkeypatch.setattr(frappe, "connect_replica", spy)
	try:
		nightly.start_run(chunk_size=10**6)
		drain()
	finally:
		for attribute in ("replica_db", "primary_db"):
			if hasattr(frappe.local, attribute):
				delattr(frappe.local, attribute)
	assert switched[0] is True  # the chunk's reads went to the replica connection
	frappe.db.rollback()
	assert figures() == single
