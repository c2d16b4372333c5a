"""Benchmark: invoices for one busy customer from parallel connections (a POS counter),
with crm_pack's hooks vs bypassed, and a submit while the full recompute runs.

1. THREADS connections each submit and commit INVOICES invoices for the same customer;
   rounds alternate hooks / bypassed. Prints throughput with crm_pack / without
   (target >= 0.9).
2. A full recompute (`refresh.recompute_all(commit=True)`, a chunk per transaction) runs
   in one connection while another submits and commits invoices for a customer the
   recompute has already passed, then one it has not reached. Prints the longest
   submit+commit against the baseline and the recompute's longest chunk (target: no
   wait beyond one chunk).

Commits its data (unique customers) on the benchmark site, never a test or live site.
--load first inserts 20,000 synthetic customers (names "BENCH-PS-…") with five ledger
postings each (GL Entry and Payment Ledger Entry, constant SQL from MariaDB's sequence
engine), so the recompute has something to read:

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/parallel_submits.py --site crm.localhost [--load]
"""

import sys
import threading
import time

from _site import connect, environment, median

LOAD = "--load" in sys.argv
if LOAD:
	sys.argv.remove("--load")
args = connect(__doc__)

import frappe  # noqa: E402

from crm_pack.ledger import refresh  # noqa: E402
from tests.integration import factories  # noqa: E402

THREADS, INVOICES, ROUNDS = 4, 10, 3
SITE = frappe.local.site


def without_crm_pack(hooks: dict) -> dict:
	return {
		doctype: {e: [m for m in ms if not m.startswith("crm_pack.")] for e, ms in events.items()}
		for doctype, events in hooks.items()
	}


def session(fn):
	"""Runs fn in a connection of its own, as another user's request would."""
	errors = []

	def run():
		frappe.init(site=SITE, sites_path=".")
		frappe.connect()
		frappe.set_user("Administrator")
		try:
			fn()
		except Exception as e:
			errors.append(repr(e))
			frappe.db.rollback()
		finally:
			frappe.destroy()

	return threading.Thread(target=run), errors


def parallel_round(cust: str, bypass: bool) -> float:
	start = threading.Barrier(THREADS + 1)

	def work():
		if bypass:
			frappe.local.doc_events_hooks = without_crm_pack(frappe.get_doc_hooks())
		start.wait()
		for _ in range(INVOICES):
			factories.sales_invoice(cust, 10)
			frappe.db.commit()

	threads = [session(work) for _ in range(THREADS)]
	for t, _errors in threads:
		t.start()
	start.wait()
	began = time.perf_counter()
	for t, _errors in threads:
		t.join()
	elapsed = time.perf_counter() - began
	errors = [e for _t, errs in threads for e in errs]
	assert not errors, errors
	return elapsed


def submit_latency(cust: str, count: int = 5) -> list[float]:
	out = []
	for _ in range(count):
		began = time.perf_counter()
		factories.sales_invoice(cust, 10)
		frappe.db.commit()
		out.append(time.perf_counter() - began)
	return out


LOAD_SQL = (
	"""insert into `tabCustomer` (name, customer_name, customer_group, territory, creation, modified, owner, modified_by, docstatus)
	select concat('BENCH-PS-', seq), concat('Bench POS customer ', seq), %(group)s, %(territory)s, now(), now(), 'Administrator', 'Administrator', 0
	from seq_1_to_20000""",
	"""insert into `tabPayment Ledger Entry` (name, company, party_type, party, voucher_type, voucher_no, against_voucher_type,
		against_voucher_no, amount, posting_date, due_date, delinked, docstatus, creation, modified)
	select concat('BENCH-PS-PLE', seq), %(company)s, 'Customer', concat('BENCH-PS-', 1 + seq %% 20000), 'Sales Invoice',
		concat('BENCH-PS-SI', seq), 'Sales Invoice', concat('BENCH-PS-SI', seq), 100 + seq %% 900,
		date_sub(curdate(), interval seq %% 400 day),
		date_add(date_sub(curdate(), interval seq %% 400 day), interval 30 day), 0, 1, now(), now()
	from seq_1_to_100000""",
	"""insert into `tabGL Entry` (name, company, party_type, party, voucher_type, voucher_no, account, debit, credit,
		posting_date, is_cancelled, is_opening, docstatus, creation, modified)
	select concat('BENCH-PS-GL', seq), %(company)s, 'Customer', concat('BENCH-PS-', 1 + seq %% 20000), 'Sales Invoice',
		concat('BENCH-PS-SI', seq), %(receivable)s, 100 + seq %% 900, 0, date_sub(curdate(), interval seq %% 400 day),
		0, 'No', 1, now(), now()
	from seq_1_to_100000""",
)


def load():
	company = factories.company()
	values = {
		"company": company,
		"group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
		"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
		"receivable": frappe.get_cached_value("Company", company, "default_receivable_account"),
	}
	loaded = (
		("Customer", "BENCH-PS-1"),
		("Payment Ledger Entry", "BENCH-PS-PLE1"),
		("GL Entry", "BENCH-PS-GL1"),
	)
	for sql, (doctype, first) in zip(LOAD_SQL, loaded, strict=True):
		if not frappe.db.exists(doctype, first):
			frappe.db.sql(sql, values)
			frappe.db.commit()
	from crm_pack.relationship.records import ensure_for_customers

	ensure_for_customers()
	frappe.db.commit()


def main():
	factories.ensure_base_records()
	frappe.db.commit()
	print(environment())
	if LOAD:
		load()
	cust = factories.customer()
	frappe.db.commit()
	parallel_round(cust, bypass=False)  # warm up
	times = {"hooks": [], "bypassed": []}
	for _ in range(ROUNDS):
		times["hooks"].append(parallel_round(cust, bypass=False))
		times["bypassed"].append(parallel_round(cust, bypass=True))
	frappe.db.commit()
	refresh.recompute_dirty()
	with_hooks, bypassed = median(times["hooks"]), median(times["bypassed"])
	n = THREADS * INVOICES
	print(f"{THREADS} connections x {INVOICES} invoices for one customer, median of {ROUNDS} rounds")
	print(f"  with crm_pack : {n / with_hooks:6.1f} invoices/s")
	print(f"  bypassed      : {n / bypassed:6.1f} invoices/s")
	print(f"  throughput ratio: {bypassed / with_hooks:.3f}  (target >= 0.9)")

	names = sorted(frappe.get_all("CRM Customer", pluck="name"))
	first, last = names[0], names[-1]
	baseline = submit_latency(first) + submit_latency(last)
	chunks, last_tick = [], [0.0]

	def progress(done, total):
		now = time.perf_counter()
		chunks.append(now - last_tick[0])
		last_tick[0] = now

	recompute, errors = session(lambda: refresh.recompute_all(commit=True, progress=progress))
	last_tick[0] = time.perf_counter()
	recompute.start()
	time.sleep(1.0)
	during = []
	while recompute.is_alive() and len(during) < 20:
		during += submit_latency(first, 1) + submit_latency(last, 1)
	recompute.join()
	assert not errors, errors
	print(
		f"full recompute of {len(names)} customers in {len(chunks)} chunks, longest chunk {max(chunks):.2f} s"
	)
	print(
		f"  submit+commit alone          : median {median(baseline) * 1000:6.0f} ms, max {max(baseline) * 1000:6.0f} ms"
	)
	print(
		f"  submit+commit during recompute: median {median(during) * 1000:6.0f} ms, max {max(during) * 1000:6.0f} ms"
		f"  ({len(during)} submits)"
	)
	print(
		f"  longest wait beyond the baseline: {(max(during) - median(baseline)):.2f} s"
		f"  (target <= one chunk, {max(chunks):.2f} s)"
	)


main()
