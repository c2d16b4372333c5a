"""Benchmark for customer analytics at scale: loads 100,000 customers and 1,000,000
submitted invoices (one item each, a payment for every other one) into a SCRATCH site,
then times the analytics against one raw SQL GROUP BY over the same invoices and
reports peak memory (target <= 1 GB):

- the nightly recompute, the run the scheduler makes every night: every customer
  scored and stored, the ledger read again for the 2 % whose ledger changed that
  day (target <= 2x);
- the rebuild, the run after install, an upgrade of the rules or a settings change:
  every customer's ledger read.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/analytics_100k.py --site <scratch-site> [--load]

--load inserts the synthetic rows once (INSERT ... SELECT from MariaDB's sequence
engine; names start with "BENCH-" and are committed). Never point it at a real site.
"""

import datetime
import resource
import sys
import time

from _site import connect

LOAD = "--load" in sys.argv
if LOAD:
	sys.argv.remove("--load")
args = connect(__doc__)

import frappe  # noqa: E402

CUSTOMERS, INVOICES = 100_000, 1_000_000


# each invoice's own Payment Ledger row, as ERPNext writes on submit (the payments above
# are allocated against these)
INVOICE_LEDGER = """insert into `tabPayment Ledger Entry` (name, company, party_type, party, voucher_type, voucher_no,
	against_voucher_type, against_voucher_no, amount, posting_date, due_date, delinked, docstatus, creation, modified)
	select concat('BENCH-PLEI', seq), %(company)s, 'Customer', concat('BENCH-C', 1 + seq %% %(n)s), 'Sales Invoice',
		concat('BENCH-SI', seq), 'Sales Invoice', concat('BENCH-SI', seq), 100 + seq %% 900,
		date_sub(curdate(), interval (seq * 7919) %% 900 day), date_add(date_sub(curdate(), interval (seq * 7919) %% 900 day), interval 30 day),
		0, 1, now(), now()
	from seq_1_to_1000000"""


def load():
	"""Synthetic rows with constant SQL: every value derives from the sequence number."""
	company = frappe.defaults.get_global_default("company")
	group = frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
	item_group = frappe.db.get_value("Item Group", {"is_group": 0}, "name")
	values = {
		"company": company,
		"group": group,
		"territory": territory,
		"item_group": item_group,
		"n": CUSTOMERS,
	}
	statements = [
		"""insert into `tabCustomer` (name, customer_name, customer_group, territory, creation, modified, owner, modified_by, docstatus)
		select concat('BENCH-C', seq), concat('Bench customer ', seq), %(group)s, %(territory)s, now(), now(), 'Administrator', 'Administrator', 0
		from seq_1_to_100000""",
		"""insert into `tabCRM Customer` (name, customer, customer_name, lifecycle_stage, creation, modified, owner, modified_by, docstatus, estimated_annual_spend)
		select concat('BENCH-C', seq), concat('BENCH-C', seq), concat('Bench customer ', seq), 'Active', now(), now(), 'Administrator', 'Administrator', 0, 10000
		from seq_1_to_100000""",
		"""insert into `tabSales Invoice` (name, customer, company, posting_date, due_date, base_net_total, base_grand_total, grand_total,
			outstanding_amount, is_return, docstatus, creation, modified, owner, modified_by, currency, conversion_rate)
		select concat('BENCH-SI', seq), concat('BENCH-C', 1 + seq %% %(n)s), %(company)s,
			date_sub(curdate(), interval (seq * 7919) %% 900 day), date_add(date_sub(curdate(), interval (seq * 7919) %% 900 day), interval 30 day),
			100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900, if(seq %% 2 = 0, 0, 100 + seq %% 900), 0, 1, now(), now(),
			'Administrator', 'Administrator', 'USD', 1
		from seq_1_to_1000000""",
		"""insert into `tabSales Invoice Item` (name, parent, parenttype, parentfield, idx, item_code, item_group, qty, stock_qty,
			rate, base_rate, price_list_rate, base_price_list_rate, base_net_amount, incoming_rate, docstatus, creation, modified)
		select concat('BENCH-SII', seq), concat('BENCH-SI', seq), 'Sales Invoice', 'items', 1, 'Bench item', %(item_group)s, 1, 1,
			100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 800, 100 + seq %% 800, 100 + seq %% 900, if(seq %% 3 = 0, 60, 0), 1, now(), now()
		from seq_1_to_1000000""",
		"""insert into `tabPayment Ledger Entry` (name, company, party_type, party, voucher_type, voucher_no, against_voucher_type,
			against_voucher_no, amount, posting_date, delinked, docstatus, creation, modified)
		select concat('BENCH-PLE', seq), %(company)s, 'Customer', concat('BENCH-C', 1 + seq %% %(n)s), 'Payment Entry',
			concat('BENCH-PE', seq), 'Sales Invoice', concat('BENCH-SI', seq), -(100 + seq %% 900),
			date_add(date_sub(curdate(), interval (seq * 7919) %% 900 day), interval seq %% 60 day), 0, 1, now(), now()
		from seq_1_to_1000000 where seq %% 2 = 0""",
		INVOICE_LEDGER,
	]
	for sql in statements:
		started = time.perf_counter()
		frappe.db.sql(sql, values)
		frappe.db.commit()
		print(f"  loaded in {time.perf_counter() - started:.1f} s: {sql.split('(')[0].strip()}")


def main():
	from crm_pack.analytics import basis as analytics_basis
	from crm_pack.analytics import history
	from crm_pack.analytics import nightly as analytics_sync

	if LOAD and not frappe.db.exists("Customer", "BENCH-C1"):
		load()
	elif LOAD and not frappe.db.exists("Payment Ledger Entry", "BENCH-PLEI1"):
		# sites loaded by an earlier version of this script lack the invoices' own rows
		frappe.db.sql(
			INVOICE_LEDGER, {"company": frappe.defaults.get_global_default("company"), "n": CUSTOMERS}
		)
		frappe.db.commit()
	si = frappe.qb.DocType("Sales Invoice")
	crm = frappe.qb.DocType("CRM Customer")
	from frappe.query_builder.functions import Sum

	def raw_group_by():
		return (
			frappe.qb.from_(si)
			.select(si.customer, Sum(si.base_net_total))
			.where(si.docstatus == 1)
			.groupby(si.customer)
			.run()
		)

	# both sides warm: a first pass reads every table the recompute reads into the buffer pool
	for table in ("Sales Invoice", "Sales Invoice Item", "Payment Ledger Entry", "CRM Customer"):
		frappe.db.sql(f"select count(*), sum(length(name)) from `tab{table}`")  # noqa: S608 — constant names
	raw_group_by()
	started = time.perf_counter()
	raw = raw_group_by()
	raw_seconds = time.perf_counter() - started

	# 1. rebuild: every basis read from the ledger (first run, new version, settings changed)
	today = datetime.date.today()
	frappe.qb.update(crm).set(crm.analytics_basis_key, "").run()
	phases = time_phases(history, analytics_sync)
	started = time.perf_counter()
	analytics_sync.recompute_all(today=today, commit=True)
	rebuild_seconds = time.perf_counter() - started
	rebuild_phases = dict(phases)
	phases.clear()

	# 2. the next night: 2 % of the customers bought, paid or returned something today
	# (their ledger is read again), everyone is scored against the new day
	changed = [f"BENCH-C{n}" for n in range(1, CUSTOMERS + 1, 50)]
	analytics_basis.mark_changed(changed)
	started = time.perf_counter()
	scored = analytics_sync.recompute_all(today=today + datetime.timedelta(days=1))
	nightly_seconds = time.perf_counter() - started
	frappe.db.rollback()
	peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

	print(f"{len(raw)} customers with invoices, {scored} CRM customers scored")
	print(f"  raw GROUP BY over the invoices          : {raw_seconds:6.2f} s")
	print(f"  nightly recompute (2 % re-read, all scored): {nightly_seconds:6.2f} s")
	print(f"  ratio                                   : {nightly_seconds / raw_seconds:.1f}  (target <= 2)")
	print(f"  rebuild (every customer's ledger read)  : {rebuild_seconds:6.2f} s")
	print(f"  ratio                                   : {rebuild_seconds / raw_seconds:.1f}")
	print(f"  peak memory of the process              : {peak_mb:.0f} MB  (target <= 1024)")
	for title, timings in (("rebuild", rebuild_phases), ("nightly", phases)):
		print(f"  {title} phases:")
		for phase, seconds in timings.items():
			print(f"    {phase:<28}: {seconds:6.2f} s")


def time_phases(history, sync) -> dict[str, float]:
	"""Wraps the recompute's reads, rules and writes to print where the time goes."""
	phases: dict[str, float] = {}
	targets = [
		(sync, "_state", "read stored state"),
		(history, "purchase_days", "read invoice history"),
		(history, "item_groups", "read item groups"),
		(history, "payment_days", "read payment days"),
		(sync, "score_all", "scoring"),
		(sync, "update_rows", "writes"),
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
