"""Benchmark (a): median Sales Invoice submit() with crm_pack's hooks vs with them bypassed,
in three cases (--case, default all):

- small:   a new customer in the site's default company (up to 2 x runs invoices);
- company: a new customer in the company with the most submitted invoices (on the ledger
           benchmark site, "Ledger Bench Large" with 1,000,000: benchmarks/ledger_report.py);
- history: a customer with 100,000 invoices of its own (and a payment against each) in
           the company with the most invoices (so the ledger benchmark's small company
           keeps its 10,000), loaded once with --load (scratch sites only).

Each timing is the submit plus crm_pack's before-commit refresh (what the user's commit
runs). Runs both in one process, alternating A/B, so machine drift cancels out; prints
the ratio of medians (target <= 1.05) and the extra queries (target <= 6) per case.
Everything measured is rolled back at the end.

--load inserts the history once (INSERT ... SELECT from MariaDB's sequence engine; names
start with "BENCH-H-", committed) and recomputes that customer's figures. Never point it
at a real site.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/submit_overhead.py --site <site> --runs 40 [--case company] [--load]
"""

import time

from _site import connect, environment, median, paired_ratio, timed, verdict, without_crm_pack


def options(parser):
	parser.add_argument("--case", choices=("all", "small", "company", "history"), default="all")
	parser.add_argument("--load", action="store_true", help="load the 100,000-invoice history (scratch site)")
	parser.add_argument(
		"--sales-update",
		default="Daily",
		help="Selling Settings' Sales Update Frequency for the run (rolled back); ERPNext's setup sets\n"
		"'Each Transaction', which scans the company's invoices of the month on every submit",
	)


args = connect(__doc__, options)

import frappe  # noqa: E402
from frappe.utils import add_days, nowdate  # noqa: E402

from crm_pack.ledger import events, refresh  # noqa: E402
from tests.integration import factories  # noqa: E402
from tests.integration.query_count import QueryCount  # noqa: E402

HISTORY_CUSTOMER = "BENCH-H-CUSTOMER"
HISTORY = 100_000

# Every value derives from the sequence number; the rows are those ERPNext writes for a
# submitted invoice (debtors GL Entry, Payment Ledger Entry) and a payment against it.
HISTORY_SQL = (
	"""insert into `tabSales Invoice` (name, customer, company, posting_date, due_date, base_net_total,
	base_grand_total, grand_total, outstanding_amount, is_return, docstatus, debit_to, creation, modified,
	owner, modified_by, currency, conversion_rate)
	select concat('BENCH-H-SI', seq), %(customer)s, %(company)s,
		date_sub(curdate(), interval seq %% 900 day), date_add(date_sub(curdate(), interval seq %% 900 day), interval 30 day),
		100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900, 10, 0, 1, %(debtors)s,
		now(), now(), 'Administrator', 'Administrator', %(currency)s, 1
	from seq_1_to_1000000 where seq <= %(n)s""",
	"""insert into `tabGL Entry` (name, company, posting_date, account, party_type, party, debit, credit,
	debit_in_account_currency, credit_in_account_currency, account_currency, voucher_type, voucher_no,
	against_voucher_type, against_voucher, is_opening, is_advance, is_cancelled, cost_center, remarks,
	docstatus, creation, modified, owner, modified_by)
	select concat('BENCH-H-G', si.name), si.company, si.posting_date, si.debit_to, 'Customer', si.customer,
		si.base_grand_total, 0, si.base_grand_total, 0, si.currency, 'Sales Invoice', si.name, 'Sales Invoice',
		si.name, 'No', 'No', 0, %(cost_center)s, 'Bench', 1, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.name like 'BENCH-H-SI%%'""",
	"""insert into `tabGL Entry` (name, company, posting_date, account, party_type, party, debit, credit,
	debit_in_account_currency, credit_in_account_currency, account_currency, voucher_type, voucher_no,
	against_voucher_type, against_voucher, is_opening, is_advance, is_cancelled, cost_center, remarks,
	docstatus, creation, modified, owner, modified_by)
	select concat('BENCH-H-GP', si.name), si.company, date_add(si.posting_date, interval 20 day), si.debit_to,
		'Customer', si.customer, 0, si.base_grand_total - 10, 0, si.base_grand_total - 10, si.currency,
		'Payment Entry', concat('BENCH-H-PE', si.name), 'Sales Invoice', si.name, 'No', 'No', 0,
		%(cost_center)s, 'Bench', 1, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.name like 'BENCH-H-SI%%'""",
	"""insert into `tabPayment Ledger Entry` (name, company, posting_date, account_type, account, party_type,
	party, due_date, voucher_type, voucher_no, against_voucher_type, against_voucher_no, amount,
	amount_in_account_currency, account_currency, delinked, docstatus, cost_center, creation, modified,
	owner, modified_by)
	select concat('BENCH-H-L', si.name), si.company, si.posting_date, 'Receivable', si.debit_to, 'Customer',
		si.customer, si.due_date, 'Sales Invoice', si.name, 'Sales Invoice', si.name, si.base_grand_total,
		si.base_grand_total, si.currency, 0, 1, %(cost_center)s, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.name like 'BENCH-H-SI%%'""",
	"""insert into `tabPayment Ledger Entry` (name, company, posting_date, account_type, account, party_type,
	party, due_date, voucher_type, voucher_no, against_voucher_type, against_voucher_no, amount,
	amount_in_account_currency, account_currency, delinked, docstatus, cost_center, creation, modified,
	owner, modified_by)
	select concat('BENCH-H-LP', si.name), si.company, date_add(si.posting_date, interval 20 day), 'Receivable',
		si.debit_to, 'Customer', si.customer, null, 'Payment Entry', concat('BENCH-H-PE', si.name),
		'Sales Invoice', si.name, -(si.base_grand_total - 10), -(si.base_grand_total - 10), si.currency, 0, 1,
		%(cost_center)s, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.name like 'BENCH-H-SI%%'""",
)


def load_history() -> None:
	if not frappe.db.exists("Customer", HISTORY_CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": HISTORY_CUSTOMER,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			}
		).insert(set_name=HISTORY_CUSTOMER)
		events.flush()
		frappe.db.commit()
	if frappe.db.exists("Sales Invoice", "BENCH-H-SI1"):
		return
	comp = frappe.get_doc("Company", largest_company()[0])
	values = {
		"customer": HISTORY_CUSTOMER,
		"company": comp.name,
		"debtors": comp.default_receivable_account,
		"currency": comp.default_currency,
		"cost_center": comp.cost_center,
		"n": HISTORY,
	}
	for sql in HISTORY_SQL:
		started = time.perf_counter()
		frappe.db.sql(sql, values)
		frappe.db.commit()
		print(f"  loaded {sql.split('`')[1]} in {time.perf_counter() - started:.1f} s")
	started = time.perf_counter()
	refresh.recompute([HISTORY_CUSTOMER])
	frappe.db.commit()
	print(f"  recomputed {HISTORY_CUSTOMER} in {time.perf_counter() - started:.1f} s")


def largest_company() -> tuple[str, int]:
	from frappe.query_builder.functions import Count

	si = frappe.qb.DocType("Sales Invoice")
	return tuple(
		frappe.qb.from_(si)
		.select(si.company, Count("*"))
		.where(si.docstatus == 1)
		.groupby(si.company)
		.orderby(Count("*"), order=frappe.qb.desc)
		.limit(1)
		.run()[0]
	)


def draft_invoice(company: str, cust: str):
	today = nowdate()
	cached = lambda field: frappe.get_cached_value("Company", company, field)  # noqa: E731
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": company,
			"customer": cust,
			"posting_date": today,
			"set_posting_time": 1,
			"due_date": add_days(today, 30),
			"currency": cached("default_currency"),
			"debit_to": cached("default_receivable_account"),
			"cost_center": cached("cost_center"),
			"items": [
				{
					"item_code": factories.ITEM,
					"qty": 1,
					"rate": 100,
					"income_account": cached("default_income_account"),
					"cost_center": cached("cost_center"),
				}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def sales_update_frequency(value: str) -> None:
	"""In this transaction only (the caller rolls back): with 'Each Transaction' every submit
	runs ERPNext's GROUP BY over the company's invoices (update_company_current_month_sales,
	seconds at 100,000 invoices), which hides everything else; a large site sets 'Daily'."""
	frappe.db.set_single_value("Selling Settings", "sales_update_frequency", value)


def measure(company: str, cust: str, runs: int) -> dict:
	with_hooks = frappe.get_doc_hooks()
	bypassed = without_crm_pack(with_hooks)
	times = {"hooks": [], "bypassed": [], "refresh": []}
	queries = {}
	sales_update_frequency(args.sales_update)
	try:
		for i in range(runs * 2 + 2):
			mode = "hooks" if i % 2 == 0 else "bypassed"
			frappe.local.doc_events_hooks = with_hooks if mode == "hooks" else bypassed
			doc = draft_invoice(company, cust)
			events.flush()
			with QueryCount() as q:
				submitted = timed(doc.submit)
				refreshed = timed(events.flush)
			if i >= 2:  # first pair warms caches
				times[mode].append(submitted + refreshed)
				if mode == "hooks":
					times["refresh"].append(refreshed)
				queries.setdefault(mode, []).append(q.count)
	finally:
		frappe.local.doc_events_hooks = with_hooks
	return {
		"hooks": median(times["hooks"]),
		"bypassed": median(times["bypassed"]),
		"refresh": median(times["refresh"]),
		"paired": paired_ratio(times["hooks"], times["bypassed"]),
		"queries": {mode: int(median(counts)) for mode, counts in queries.items()},
	}


def main():
	factories.ensure_base_records()
	frappe.db.commit()
	print(environment())
	cases = ("small", "company", "history") if args.case == "all" else (args.case,)
	if args.load:
		load_history()
	plan = {}  # a new customer is made inside its case's transaction, rolled back with it
	if "small" in cases:
		count = frappe.db.count("Sales Invoice", {"company": factories.company(), "docstatus": 1})
		plan["small"] = (factories.company(), None, f"new customer, default company ({count:,} invoices)")
	if "company" in cases:
		big, count = largest_company()
		plan["company"] = (big, None, f"new customer, company with {count:,} invoices")
	if "history" in cases:
		if not frappe.db.exists("Sales Invoice", "BENCH-H-SI1"):
			raise SystemExit("no 100,000-invoice history on this site: run with --load (scratch sites only)")
		own = frappe.db.count("Sales Invoice", {"customer": HISTORY_CUSTOMER, "docstatus": 1})
		home = frappe.db.get_value("Sales Invoice", "BENCH-H-SI1", "company")
		plan["history"] = (home, HISTORY_CUSTOMER, f"customer with {own:,} own invoices, in {home}")
	results = {}
	for case, (company, cust, _label) in plan.items():
		results[case] = measure(company, cust or factories.customer(), args.runs)
		frappe.db.rollback()
		frappe.clear_document_cache("Selling Settings", "Selling Settings")
	print(
		f"Sales Invoice submit + before-commit refresh, median of {args.runs} each, interleaved"
		f" (Selling Settings' Sales Update Frequency: {args.sales_update})"
	)
	for case, r in results.items():
		a, b = r["hooks"], r["bypassed"]
		extra = r["queries"]["hooks"] - r["queries"]["bypassed"]
		print(f"  {case}: {plan[case][2]}")
		print(f"    with crm_pack hooks : {a * 1000:7.1f} ms  ({r['queries']['hooks']} queries)")
		print(f"    hooks bypassed      : {b * 1000:7.1f} ms  ({r['queries']['bypassed']} queries)")
		print(f"    of which the before-commit refresh: {r['refresh'] * 1000:.1f} ms")
		print(f"    ratio               : {a / b:.3f}  {verdict(a / b, 1.05)}")
		print(f"    median paired ratio : {r['paired']:.3f}")
		print(f"    extra queries       : {extra}  {verdict(extra, 6)}")
	print(environment())


main()
