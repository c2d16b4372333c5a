"""Site-wide runs split into chunks on Frappe's long queue, so that more RQ workers (on
this machine or others running `bench worker`) finish them sooner.

A coordinator (the scheduled job) decides the chunks and queues one job per chunk;
the last chunk to finish queues the run's final step, the part that needs the whole
population at once (ABC tiers rank every customer) and is kept cheap. Job ids are
fixed per run and chunk, and queued with `deduplicate`, so a coordinator started twice
queues each chunk once; a run still under way makes the next coordinator stand down.

A chunk that fails is rolled back and queued once more; if it fails again it is logged
(Error Log) and counted, the other chunks keep what they wrote, and the final step
still runs — what the failed chunk should have refreshed stays marked for the next run.
"""

from __future__ import annotations

from collections.abc import Sequence

import frappe

QUEUE = "long"
# a chunk is small enough to finish well inside the long queue's timeout
CHUNK_TIMEOUT = 1500
ATTEMPTS = 2
# a run whose chunks never all report back (a worker killed mid-chunk) stops blocking the next after this
RUN_TTL_SECONDS = 6 * 3600


def _counter(run: str) -> str:
	return frappe.cache.make_key(f"crm_pack:chunked_run:{run}")


def _failed(run: str) -> str:
	return frappe.cache.make_key(f"crm_pack:chunked_run:{run}:failed")


def job_id(run: str, part: str | int) -> str:
	return f"crm_pack::{run}::{part}"


def in_progress(run: str) -> bool:
	return bool(int(frappe.cache.get(_counter(run)) or 0))


def start(
	run: str,
	method: str,
	chunks: Sequence[Sequence[str]],
	*,
	kwargs: dict | None = None,
	final: str | None = None,
	final_kwargs: dict | None = None,
) -> list[str]:
	"""Queues `method(names=chunk, **kwargs)` per chunk, then `final(failed=n, **final_kwargs)`
	once all have finished. Returns the job ids queued ([] when a run is still under way)."""
	if in_progress(run):
		frappe.logger("crm_pack").info(f"{run}: the previous run is still under way; not started again")
		return []
	if not chunks:
		if final:
			return [_enqueue_final(run, final, final_kwargs, 0)]
		return []
	frappe.cache.set(_counter(run), len(chunks), ex=RUN_TTL_SECONDS)
	frappe.cache.delete(_failed(run))
	ids = []
	for index, names in enumerate(chunks):
		ids.append(
			_enqueue_chunk(
				run, method, list(names), kwargs or {}, final, final_kwargs or {}, index, attempt=1
			)
		)
	return ids


def _enqueue_chunk(run, method, names, kwargs, final, final_kwargs, index, attempt) -> str:
	part = index if attempt == 1 else f"{index}:attempt{attempt}"
	frappe.enqueue(
		"crm_pack.utils.chunked_jobs.run_chunk",
		queue=QUEUE,
		timeout=CHUNK_TIMEOUT,
		job_id=job_id(run, part),
		deduplicate=True,
		run=run,
		chunk_method=method,
		names=names,
		chunk_kwargs=kwargs,
		final=final,
		final_kwargs=final_kwargs,
		index=index,
		attempt=attempt,
	)
	return job_id(run, part)


def _enqueue_final(run: str, final: str, final_kwargs: dict | None, failed: int) -> str:
	frappe.enqueue(
		final,
		queue=QUEUE,
		timeout=CHUNK_TIMEOUT,
		job_id=job_id(run, "final"),
		deduplicate=True,
		failed=failed,
		**(final_kwargs or {}),
	)
	return job_id(run, "final")


def run_chunk(
	run: str,
	chunk_method: str,
	names: list[str],
	chunk_kwargs: dict,
	final: str | None,
	final_kwargs: dict,
	index: int,
	attempt: int = 1,
) -> None:
	"""One chunk, as a job. It commits its own work; the run's counter moves only after."""
	try:
		frappe.get_attr(chunk_method)(names=names, **chunk_kwargs)
		frappe.db.commit()
	except Exception:
		frappe.db.rollback()
		if attempt < ATTEMPTS:
			_enqueue_chunk(run, chunk_method, names, chunk_kwargs, final, final_kwargs, index, attempt + 1)
			return
		frappe.log_error(title=f"crm_pack: {run} chunk {index} failed ({len(names)} customers)")
		frappe.db.commit()
		frappe.cache.incr(_failed(run))
	_chunk_done(run, final, final_kwargs)


def _chunk_done(run: str, final: str | None, final_kwargs: dict) -> None:
	remaining = frappe.cache.decr(_counter(run))
	if remaining > 0:
		return
	failed = int(frappe.cache.get(_failed(run)) or 0)
	frappe.cache.delete(_counter(run), _failed(run))
	if final:
		_enqueue_final(run, final, final_kwargs, failed)


def split(names: Sequence[str], size: int) -> list[list[str]]:
	return [list(names[start : start + size]) for start in range(0, len(names), size)]
