"""Benchmark for customer analytics at scale: loads customers with ten submitted invoices
each (one item each, a payment for every other one) into a SCRATCH site, 10,000 and then
100,000 customers (100,000 / 1,000,000 invoices), and at each size times the analytics
against one raw SQL GROUP BY over the same invoices, so the growth is visible; reports
the InnoDB buffer pool, the load average and peak memory (target <= 1 GB):

- the nightly recompute, the run the scheduler makes every night: the ledger read
  again for the 2 % whose ledger changed that day, everyone ranked, and scored in full
  where a score can have moved (the day its churn risk moves, its inputs or a rank
  changed) (target <= 2x);
- the rebuild, the run after install, an upgrade of the rules or a settings change:
  every customer's ledger read and every basis written (target <= 5x);
- the weekly re-read: every basis a week old, read again under the same key (the net
  for what no event reports); on an unchanged ledger only the day read is written.

Before timing, the site is brought to where a previous night left it (payment behaviour
measured and everyone scored once), which a site's first night does; that time is
printed apart.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/analytics_100k.py --site <scratch-site> [--load] [--reset] [--scales 10000,100000] [--runs 3]

--load inserts the synthetic rows the next size lacks (INSERT ... SELECT from MariaDB's
sequence engine; names start with "BENCH-" and are committed); --reset deletes them
first, so the smaller sizes can be measured again. Never point it at a real site.
Each figure is the median of --runs runs (default 3): the machine may be shared.
"""

import datetime
import os
import resource
import sys
import time

from _site import connect, median, raw_group_by

LOAD = "--load" in sys.argv
RESET = "--reset" in sys.argv
SCALES = [10_000, 100_000]
for flag in ("--load", "--reset"):
	if flag in sys.argv:
		sys.argv.remove(flag)
if "--scales" in sys.argv:
	at = sys.argv.index("--scales")
	SCALES = [int(n) for n in sys.argv[at + 1].split(",")]
	del sys.argv[at : at + 2]
args = connect(__doc__)
RUNS = args.runs if args.runs != 100 else 3  # _site's default is for the per-document benchmarks

import frappe  # noqa: E402

INVOICES_PER_CUSTOMER = 10
BENCH_TABLES = ("Customer", "CRM Customer", "Sales Invoice", "Sales Invoice Item", "Payment Ledger Entry")

# Customers first+1 .. last and their invoices 10*first+1 .. 10*last: invoice `seq` belongs to
# customer first + 1 + seq % (last - first), so every size holds ten invoices per customer.
CUSTOMER = "concat('BENCH-C', %(first)s + 1 + seq %% %(n)s)"
DAY = "date_sub(curdate(), interval (seq * 7919) %% 900 day)"
STATEMENTS = [
	"""insert into `tabCustomer` (name, customer_name, customer_group, territory, creation, modified, owner, modified_by, docstatus)
	select concat('BENCH-C', seq), concat('Bench customer ', seq), %(group)s, %(territory)s, now(), now(), 'Administrator', 'Administrator', 0
	from seq_{c0}_to_{c1}""",
	"""insert into `tabCRM Customer` (name, customer, customer_name, lifecycle_stage, creation, modified, owner, modified_by, docstatus, estimated_annual_spend)
	select concat('BENCH-C', seq), concat('BENCH-C', seq), concat('Bench customer ', seq), 'Active', now(), now(), 'Administrator', 'Administrator', 0, 10000
	from seq_{c0}_to_{c1}""",
	f"""insert into `tabSales Invoice` (name, customer, company, posting_date, due_date, base_net_total, base_grand_total, grand_total,
		outstanding_amount, is_return, docstatus, creation, modified, owner, modified_by, currency, conversion_rate)
	select concat('BENCH-SI', seq), {CUSTOMER}, %(company)s, {DAY}, date_add({DAY}, interval 30 day),
		100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900, if(seq %% 2 = 0, 0, 100 + seq %% 900), 0, 1, now(), now(),
		'Administrator', 'Administrator', 'USD', 1
	from seq_{{i0}}_to_{{i1}}""",
	"""insert into `tabSales Invoice Item` (name, parent, parenttype, parentfield, idx, item_code, item_group, qty, stock_qty,
		rate, base_rate, price_list_rate, base_price_list_rate, base_net_amount, incoming_rate, docstatus, creation, modified)
	select concat('BENCH-SII', seq), concat('BENCH-SI', seq), 'Sales Invoice', 'items', 1, 'Bench item', %(item_group)s, 1, 1,
		100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 800, 100 + seq %% 800, 100 + seq %% 900, if(seq %% 3 = 0, 60, 0), 1, now(), now()
	from seq_{i0}_to_{i1}""",
	f"""insert into `tabPayment Ledger Entry` (name, company, party_type, party, voucher_type, voucher_no, against_voucher_type,
		against_voucher_no, amount, posting_date, delinked, docstatus, creation, modified)
	select concat('BENCH-PLE', seq), %(company)s, 'Customer', {CUSTOMER}, 'Payment Entry',
		concat('BENCH-PE', seq), 'Sales Invoice', concat('BENCH-SI', seq), -(100 + seq %% 900),
		date_add({DAY}, interval seq %% 60 day), 0, 1, now(), now()
	from seq_{{i0}}_to_{{i1}} where seq %% 2 = 0""",
	# each invoice's own Payment Ledger row, as ERPNext writes on submit (the payments
	# above are allocated against these)
	f"""insert into `tabPayment Ledger Entry` (name, company, party_type, party, voucher_type, voucher_no,
		against_voucher_type, against_voucher_no, amount, posting_date, due_date, delinked, docstatus, creation, modified)
	select concat('BENCH-PLEI', seq), %(company)s, 'Customer', {CUSTOMER}, 'Sales Invoice',
		concat('BENCH-SI', seq), 'Sales Invoice', concat('BENCH-SI', seq), 100 + seq %% 900,
		{DAY}, date_add({DAY}, interval 30 day), 0, 1, now(), now()
	from seq_{{i0}}_to_{{i1}}""",
]


def loaded() -> int:
	return frappe.db.count("Customer", {"name": ["like", "BENCH-C%"]})


def reset():
	for table in BENCH_TABLES:
		started = time.perf_counter()
		frappe.db.sql(f"delete from `tab{table}` where name like 'BENCH-%%'")  # noqa: S608 — constant names
		frappe.db.commit()
		print(f"  deleted in {time.perf_counter() - started:.1f} s: {table}")


def load(first: int, last: int):
	"""Synthetic rows with constant SQL: every value derives from the sequence number."""
	values = {
		"company": frappe.defaults.get_global_default("company"),
		"group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
		"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
		"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
		"first": first,
		"n": last - first,
	}
	ranges = {
		"c0": first + 1,
		"c1": last,
		"i0": INVOICES_PER_CUSTOMER * first + 1,
		"i1": INVOICES_PER_CUSTOMER * last,
	}
	for sql in STATEMENTS:
		started = time.perf_counter()
		frappe.db.sql(sql.format(**ranges), values)
		frappe.db.commit()
		print(f"  loaded in {time.perf_counter() - started:.1f} s: {sql.split('(')[0].strip()}")


def measure(customers: int) -> dict:
	"""Median figures of RUNS rebuilds and nights at the site's current size."""
	from crm_pack.analytics import basis as analytics_basis
	from crm_pack.analytics import history
	from crm_pack.analytics import nightly as analytics_sync

	crm = frappe.qb.DocType("CRM Customer")

	# both sides warm: a first pass reads every table the recompute reads into the buffer pool
	for table in ("Sales Invoice", "Sales Invoice Item", "Payment Ledger Entry", "CRM Customer"):
		frappe.db.sql(f"select count(*), sum(length(name)) from `tab{table}`")  # noqa: S608 — constant names
	raw_group_by()
	today = datetime.date.today()
	changed = frappe.get_all("CRM Customer", pluck="name", order_by="name")[::50]
	runs = {"floor": [], "rebuild": [], "nightly": [], "weekly": []}
	from crm_pack.credit_control import behaviour

	# the site as last night left it: every customer's payment behaviour measured and
	# everyone scored once (a site just loaded or upgraded does both on its first night)
	started = time.perf_counter()
	behaviour.recompute_all(today=today, commit=True)
	analytics_sync.recompute_all(today=today, commit=True)
	first_night = time.perf_counter() - started
	phases = time_phases(history, analytics_sync, behaviour)
	for _run in range(RUNS):
		# interleaved: floor, rebuild, night, so a noisy moment hits all three alike
		started = time.perf_counter()
		raw = raw_group_by()
		runs["floor"].append(time.perf_counter() - started)

		# 1. rebuild: every basis read from the ledger (first run, new version, settings changed)
		frappe.qb.update(crm).set(crm.analytics_basis_key, "").run()
		frappe.db.commit()
		phases.clear()
		started = time.perf_counter()
		analytics_sync.recompute_all(today=today, commit=True)
		runs["rebuild"].append(time.perf_counter() - started)
		rebuild_phases = with_rest(phases, runs["rebuild"][-1])
		phases.clear()

		# 2. the next night: 2 % of the customers bought, paid or returned something today
		# (their ledger is read again), everyone is scored against the new day
		analytics_basis.mark_changed(changed)
		started = time.perf_counter()
		scored = analytics_sync.recompute_all(today=today + datetime.timedelta(days=1))
		runs["nightly"].append(time.perf_counter() - started)
		nightly_phases = with_rest(phases, runs["nightly"][-1])
		frappe.db.rollback()

		# 3. the weekly net: every basis a week old, read again under the same key; a quiet
		# ledger gives the same bases, so only the day they were read is written
		frappe.qb.update(crm).set(crm.analytics_basis_on, today - datetime.timedelta(days=8)).run()
		frappe.db.commit()
		started = time.perf_counter()
		analytics_sync.recompute_all(today=today, commit=True)
		runs["weekly"].append(time.perf_counter() - started)
	out = {k: median(v) for k, v in runs.items()}
	out.update(
		customers=customers,
		with_invoices=len(raw),
		scored=scored,
		first_night=first_night,
		rebuild_phases=rebuild_phases,
		nightly_phases=nightly_phases,
		load=os.getloadavg(),
	)
	return out


def main():
	pool = frappe.db.sql("select @@innodb_buffer_pool_size")[0][0] / 2**20
	print(f"InnoDB buffer pool {pool:.0f} MB; load average {os.getloadavg()}; median of {RUNS} runs")
	if RESET:
		reset()
	results = []
	for size in SCALES:
		have = loaded()
		if have < size and LOAD:
			print(f"loading customers {have + 1}..{size}")
			load(have, size)
			have = size
		if have != size:
			print(f"{size} customers: skipped (the site holds {have}; --reset --load measures every size)")
			continue
		results.append(measure(size))
	peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
	for r in results:
		print(
			f"{r['customers']} customers ({r['with_invoices']} with invoices, {r['scored']} scored in full on the night), "
			f"load average after {r['load'][0]:.1f}:"
		)
		print(f"  raw GROUP BY over the invoices             : {r['floor']:6.2f} s")
		print(f"  before timing, the site's first night      : {r['first_night']:6.2f} s (not a ratio)")
		print(
			f"  nightly recompute (2 % re-read, due scored): {r['nightly']:6.2f} s"
			f" = {r['nightly'] / r['floor']:.1f}x the floor  (target <= 2)"
		)
		print(
			f"  rebuild (every customer's ledger read)     : {r['rebuild']:6.2f} s"
			f" = {r['rebuild'] / r['floor']:.1f}x the floor  (target <= 5)"
		)
		print(
			f"  weekly re-read (same key, same ledger)     : {r['weekly']:6.2f} s"
			f" = {r['weekly'] / r['floor']:.1f}x the floor"
		)
		for title in ("rebuild", "nightly"):
			print(f"  {title} phases (last run):")
			for phase, seconds in r[f"{title}_phases"].items():
				print(f"    {phase:<28}: {seconds:6.2f}" + ("" if phase == "rows written" else " s"))
	if len(results) > 1:
		small, large = results[0], results[-1]
		growth = large["customers"] / small["customers"]
		print(f"growth from {small['customers']} to {large['customers']} customers ({growth:.0f}x):")
		for key in ("floor", "nightly", "rebuild"):
			print(f"  {key:<8}: {large[key] / small[key]:5.1f}x")
	print(f"peak memory of the process: {peak_mb:.0f} MB  (target <= 1024)")


def with_rest(phases: dict, total: float) -> dict:
	"""The phases, and what they leave of the total: the bases built from the rows read
	(Python), the run's bookkeeping (staleness marks, the run's date on every row)."""
	timed = sum(v for k, v in phases.items() if k != "rows written")
	return {**phases, "the rest (bases built, marks)": total - timed}


def time_phases(history, sync, behaviour) -> dict[str, float]:
	"""Wraps the recompute's reads, rules and writes to print where the time goes (once)."""
	if hasattr(sync, "_bench_phases"):
		return sync._bench_phases
	phases = sync._bench_phases = {}
	targets = [
		(behaviour, "recompute_all", "payment behaviour"),
		(sync, "_basis_state", "read basis marks"),
		(sync, "_to_score", "everyone ranked (SQL), due read"),
		(history, "purchase_days", "read invoice history"),
		(history, "item_groups", "read item groups"),
		(history, "payment_days", "read payment days"),
		(sync, "score_all", "scoring"),
		(sync, "update_rows", "writes"),
		(sync, "_stamp", "the run's time stamped"),
	]
	for owner, attr, label in targets:
		original = getattr(owner, attr)

		def timed(*a, _original=original, _label=label, **kw):
			if _label == "writes":
				phases["rows written"] = phases.get("rows written", 0) + len(a[2])
			started = time.perf_counter()
			try:
				return _original(*a, **kw)
			finally:
				phases[_label] = phases.get(_label, 0.0) + time.perf_counter() - started

		setattr(owner, attr, timed)
	return phases


main()
