"""Benchmark for the CRM Customer Ledger report: one customer with 10,000 postings (5,000
invoices and a payment against each), in a company with 10,000 invoices and in one with
1,000,000, against ERPNext's General Ledger and Accounts Receivable for the same party.

Targets (ratios of medians measured in this one run, the reports interleaved):
- CRM Customer Ledger <= 1x General Ledger (party filter);
- CRM Customer Ledger <= 0.1x Accounts Receivable (party filter) at 1,000,000 invoices;
- CRM Customer Ledger flat: large company / small company <= 1.2.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/ledger_report.py --site <scratch-site> [--load] [--runs 7]

--load inserts the synthetic rows once (INSERT ... SELECT from MariaDB's sequence engine;
names start with "LBENCH-" and are committed) and creates the large company. Never point
it at a real site. Each company gets the customer's 10,000 postings (GL Entry and Payment
Ledger Entry rows as ERPNext writes them on the debtors account) and other customers'
invoices (Sales Invoice, GL Entry, Payment Ledger Entry) up to its invoice count.
"""

import sys
import time

from _site import connect, median

LOAD = "--load" in sys.argv
if LOAD:
	sys.argv.remove("--load")
RUNS_GIVEN = "--runs" in sys.argv
args = connect(__doc__)
RUNS = args.runs if RUNS_GIVEN else 7

import frappe  # noqa: E402
from frappe.utils import add_months, nowdate  # noqa: E402

LARGE_COMPANY = "Ledger Bench Large"
# one measured customer per company, each with its 10,000 postings there alone (a customer
# of both would have the large company's report read its postings in both: ERPNext indexes
# GL Entry and Payment Ledger Entry by party, not by party and company)
CUSTOMERS = {"small": "LBENCH-TARGET-S", "large": "LBENCH-TARGET-L"}
TARGET_INVOICES = 5_000  # and a payment against each: 10,000 postings
OTHERS = 10_000  # other customers the company's other invoices are spread over

# Every value derives from the sequence number (constant SQL, parameters for the rest);
# %(p)s is the company's name prefix, so the two companies' rows never clash.
TARGET_INVOICES_SQL = """insert into `tabSales Invoice` (name, customer, company, posting_date, due_date,
	base_net_total, base_grand_total, grand_total, outstanding_amount, is_return, docstatus, debit_to,
	creation, modified, owner, modified_by, currency, conversion_rate)
	select concat(%(p)s, 'TSI', seq), %(customer)s, %(company)s,
		date_sub(curdate(), interval seq %% 900 day), date_add(date_sub(curdate(), interval seq %% 900 day), interval 30 day),
		100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900, 0, 0, 1, %(debtors)s,
		now(), now(), 'Administrator', 'Administrator', %(currency)s, 1
	from seq_1_to_1000000 where seq <= %(n)s"""

OTHER_INVOICES_SQL = """insert into `tabSales Invoice` (name, customer, company, posting_date, due_date,
	base_net_total, base_grand_total, grand_total, outstanding_amount, is_return, docstatus, debit_to,
	creation, modified, owner, modified_by, currency, conversion_rate)
	select concat(%(p)s, 'OSI', seq), concat('LBENCH-C', 1 + seq %% %(others)s), %(company)s,
		date_sub(curdate(), interval (seq * 7919) %% 900 day),
		date_add(date_sub(curdate(), interval (seq * 7919) %% 900 day), interval 30 day),
		100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900, 100 + seq %% 900, 0, 1, %(debtors)s,
		now(), now(), 'Administrator', 'Administrator', %(currency)s, 1
	from seq_1_to_1000000 where seq <= %(n)s"""

# the debtors row of each invoice (kind 'TSI' / 'OSI') and of each payment (the customer's)
INVOICE_GL_SQL = """insert into `tabGL Entry` (name, company, posting_date, account, party_type, party,
	debit, credit, debit_in_account_currency, credit_in_account_currency, account_currency,
	voucher_type, voucher_no, against_voucher_type, against_voucher, is_opening, is_advance,
	is_cancelled, cost_center, remarks, docstatus, creation, modified, owner, modified_by)
	select concat(%(p)s, 'G', si.name), si.company, si.posting_date, si.debit_to, 'Customer', si.customer,
		si.base_grand_total, 0, si.base_grand_total, 0, si.currency, 'Sales Invoice', si.name,
		'Sales Invoice', si.name, 'No', 'No', 0, %(cost_center)s, 'Bench', 1, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.company = %(company)s and si.name like %(like)s"""

PAYMENT_GL_SQL = """insert into `tabGL Entry` (name, company, posting_date, account, party_type, party,
	debit, credit, debit_in_account_currency, credit_in_account_currency, account_currency,
	voucher_type, voucher_no, against_voucher_type, against_voucher, is_opening, is_advance,
	is_cancelled, cost_center, remarks, docstatus, creation, modified, owner, modified_by)
	select concat(%(p)s, 'GP', si.name), si.company, date_add(si.posting_date, interval 20 day), si.debit_to,
		'Customer', si.customer, 0, si.base_grand_total - 10, 0, si.base_grand_total - 10, si.currency,
		'Payment Entry', concat(%(p)s, 'PE', si.name), 'Sales Invoice', si.name, 'No', 'No', 0, %(cost_center)s,
		'Bench', 1, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.company = %(company)s and si.name like %(like)s"""

INVOICE_PLE_SQL = """insert into `tabPayment Ledger Entry` (name, company, posting_date, account_type, account,
	party_type, party, due_date, voucher_type, voucher_no, against_voucher_type, against_voucher_no,
	amount, amount_in_account_currency, account_currency, delinked, docstatus, cost_center,
	creation, modified, owner, modified_by)
	select concat(%(p)s, 'L', si.name), si.company, si.posting_date, 'Receivable', si.debit_to, 'Customer',
		si.customer, si.due_date, 'Sales Invoice', si.name, 'Sales Invoice', si.name, si.base_grand_total,
		si.base_grand_total, si.currency, 0, 1, %(cost_center)s, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.company = %(company)s and si.name like %(like)s"""

PAYMENT_PLE_SQL = """insert into `tabPayment Ledger Entry` (name, company, posting_date, account_type, account,
	party_type, party, due_date, voucher_type, voucher_no, against_voucher_type, against_voucher_no,
	amount, amount_in_account_currency, account_currency, delinked, docstatus, cost_center,
	creation, modified, owner, modified_by)
	select concat(%(p)s, 'LP', si.name), si.company, date_add(si.posting_date, interval 20 day), 'Receivable',
		si.debit_to, 'Customer', si.customer, null, 'Payment Entry', concat(%(p)s, 'PE', si.name),
		'Sales Invoice', si.name, -(si.base_grand_total - 10), -(si.base_grand_total - 10), si.currency, 0, 1,
		%(cost_center)s, now(), now(), 'Administrator', 'Administrator'
	from `tabSales Invoice` si where si.company = %(company)s and si.name like %(like)s"""


def large_company(small: str) -> str:
	if not frappe.db.exists("Company", LARGE_COMPANY):
		home = frappe.get_doc("Company", small)
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": LARGE_COMPANY,
				"abbr": "LBL",
				"default_currency": home.default_currency,
				"country": home.country,
			}
		).insert()
		frappe.db.commit()
	return LARGE_COMPANY


def load_company(company: str, customer: str, prefix: str, invoices: int) -> None:
	c = frappe.get_doc("Company", company)
	values = {
		"p": prefix,
		"company": company,
		"customer": customer,
		"debtors": c.default_receivable_account,
		"currency": c.default_currency,
		"cost_center": c.cost_center,
		"others": OTHERS,
	}
	target = {**values, "n": TARGET_INVOICES, "like": f"{prefix}TSI%"}
	other = {**values, "n": invoices - TARGET_INVOICES, "like": f"{prefix}OSI%"}
	steps = [
		(TARGET_INVOICES_SQL, target),
		(OTHER_INVOICES_SQL, other),
		(INVOICE_GL_SQL, target),
		(PAYMENT_GL_SQL, target),
		(INVOICE_GL_SQL, other),
		(INVOICE_PLE_SQL, target),
		(PAYMENT_PLE_SQL, target),
		(INVOICE_PLE_SQL, other),
	]
	for sql, params in steps:
		started = time.perf_counter()
		frappe.db.sql(sql, params)
		frappe.db.commit()
		table = sql.split("`")[1]
		print(
			f"  {company}: {table} ({params['like'][len(prefix) :]}) in {time.perf_counter() - started:.1f} s"
		)


def load(small: str, large: str) -> None:
	for customer in CUSTOMERS.values():
		if not frappe.db.exists("Customer", customer):
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": customer,
					"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
					"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
				}
			).insert(set_name=customer)
			frappe.db.commit()
	for company, size, prefix, invoices in (
		(small, "small", "LBENCH-S-", 10_000),
		(large, "large", "LBENCH-L-", 1_000_000),
	):
		if not frappe.db.exists("Sales Invoice", f"{prefix}TSI1"):
			load_company(company, CUSTOMERS[size], prefix, invoices)


def reports(company: str, customer: str) -> dict:
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute as ar
	from erpnext.accounts.report.general_ledger.general_ledger import execute as gl

	from crm_pack.crm_pack.report.crm_customer_ledger.crm_customer_ledger import execute as crm

	today = nowdate()
	from_date = add_months(today, -12)
	return {
		"crm": lambda: crm(
			frappe._dict(
				company=company,
				customer=customer,
				from_date=from_date,
				to_date=today,
				range="30, 60, 90, 120",
			)
		),
		"gl": lambda: gl(
			frappe._dict(
				company=company,
				from_date=from_date,
				to_date=today,
				party_type="Customer",
				party=[customer],
				group_by="Group by Voucher (Consolidated)",
				include_dimensions=0,
			)
		),
		"ar": lambda: ar(
			frappe._dict(
				company=company,
				report_date=today,
				party_type="Customer",
				party=[customer],
				ageing_based_on="Due Date",
				range="30, 60, 90, 120",
			)
		),
	}


def closing(result) -> float:
	return next(r["balance"] for r in result[1] if r.get("voucher_type") == "Closing (Opening + Total)")


def general_ledger_closing(result) -> float:
	return next(
		r["balance"]
		for r in result[1]
		if isinstance(r, dict) and str(r.get("account")).strip("'") == "Closing (Opening + Total)"
	)


def main():
	small = frappe.defaults.get_global_default("company")
	large = large_company(small) if LOAD else LARGE_COMPANY
	if LOAD:
		load(small, large)
	if not frappe.db.exists("Sales Invoice", "LBENCH-L-TSI1"):
		sys.exit("no benchmark data on this site: run with --load (scratch sites only)")

	pool = frappe.db.sql("select @@innodb_buffer_pool_size")[0][0]
	counts = {
		company: frappe.db.count("Sales Invoice", {"company": company, "docstatus": 1})
		for company in (small, large)
	}
	print(f"innodb_buffer_pool_size: {int(pool) / 2**20:.0f} MB")

	companies = {small: CUSTOMERS["small"], large: CUSTOMERS["large"]}
	calls = {company: reports(company, customer) for company, customer in companies.items()}
	for company, fns in calls.items():  # warm: every table each report reads is in the buffer pool
		customer = companies[company]
		postings = frappe.db.count("GL Entry", {"party": customer})
		ours, theirs = closing(fns["crm"]()), general_ledger_closing(fns["gl"]())
		fns["ar"]()
		print(
			f"  {company}: {counts[company]:,} invoices; {customer}: {postings:,} GL postings, closing"
			f" balance {ours:,.2f} (General Ledger {theirs:,.2f})"
		)

	times = {(company, name): [] for company in calls for name in calls[company]}
	for _ in range(RUNS):  # interleaved: drift on a shared machine hits every report alike
		for company, fns in calls.items():
			for name, fn in fns.items():
				started = time.perf_counter()
				fn()
				times[(company, name)].append(time.perf_counter() - started)
	med = {key: median(values) for key, values in times.items()}

	labels = {"crm": "CRM Customer Ledger", "gl": "General Ledger", "ar": "Accounts Receivable"}
	print(f"median of {RUNS} interleaved runs each:")
	for company in calls:
		for name, label in labels.items():
			print(f"  {counts[company]:>9,} invoices  {label:<20}: {med[(company, name)] * 1000:8.1f} ms")
	print("ratios:")
	for company in calls:
		n = f"{counts[company]:,}"
		gl_ratio = med[(company, "crm")] / med[(company, "gl")]
		ar_ratio = med[(company, "crm")] / med[(company, "ar")]
		print(f"  at {n:>9} invoices: CRM / General Ledger      = {gl_ratio:5.2f}  (target <= 1)")
		target = "  (target <= 0.1)" if company == large else ""
		print(f"  at {n:>9} invoices: CRM / Accounts Receivable = {ar_ratio:5.2f}{target}")
	flat = med[(large, "crm")] / med[(small, "crm")]
	print(f"  CRM at {counts[large]:,} / at {counts[small]:,} invoices = {flat:5.2f}  (target <= 1.2)")


main()
