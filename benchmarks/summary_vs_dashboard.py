"""Benchmark (b): for a customer with 10,000 invoices (and 30 interactions),
- crm_pack's customer summary and its customer 360 call (get_customer_360, what the
  Customer form asks for) vs ERPNext's get_dashboard_info (targets <= 0.5x), and the
  summary's query count for a small and a large customer (must not grow with invoices);
- ERPNext's Customer form load with crm_pack vs without (target <= 1.1x): getdoc (its
  onload runs get_dashboard_info; the timeline reads additional_timeline_content) and
  the Connections counts (get_open_count, with the dashboard override's CRM group), plus,
  with crm_pack, the 360 call customer.js makes. "Without" is the same calls with every
  crm_pack entry taken out of the hooks (timeline content, dashboard override).

The 10,000 invoices are one real submitted invoice copied with frappe.db.bulk_insert
(invoice, GL and Payment Ledger rows), then the customer's figures are recomputed
from them. Runs in one transaction and rolls back.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/summary_vs_dashboard.py --site <site>
"""

from _site import connect, environment, median, timed, verdict

args = connect(__doc__)

import frappe  # noqa: E402

from crm_pack.api.customer_360 import get_customer_360  # noqa: E402
from crm_pack.api.ledger import get_customer_summary  # noqa: E402
from crm_pack.ledger.refresh import recompute, refresh_in_transaction  # noqa: E402
from tests.integration import factories  # noqa: E402
from tests.integration.query_count import QueryCount  # noqa: E402

INVOICES = 10_000
INTERACTIONS = 30


def copy_rows(doctype: str, filters: dict, rename: dict, copies: int) -> None:
	"""Copies the rows matching filters `copies` times; `rename` maps a field to its copy's value."""
	rows = frappe.get_all(doctype, filters=filters, fields=["*"])
	fields = list(rows[0].keys())
	values = []
	for n in range(copies):
		for row in rows:
			new = dict(row)
			for field, make in rename.items():
				new[field] = make(row, n)
			values.append(tuple(new[f] for f in fields))
	frappe.db.bulk_insert(doctype, fields, values, chunk_size=2_000)


def make_large_customer() -> str:
	cust = factories.customer()
	template = factories.sales_invoice(cust, 100)
	suffix = lambda value, n: f"{value}-B{n}"  # noqa: E731
	copy_rows(
		"Sales Invoice", {"name": template.name}, {"name": lambda r, n: suffix(r.name, n)}, INVOICES - 1
	)
	for doctype, voucher_field in (("GL Entry", "voucher_no"), ("Payment Ledger Entry", "voucher_no")):
		rename = {
			"name": lambda r, n: suffix(r.name, n),
			voucher_field: lambda r, n: suffix(r.voucher_no, n),
		}
		rename["against_voucher" if doctype == "GL Entry" else "against_voucher_no"] = (
			lambda r, n, f=("against_voucher" if doctype == "GL Entry" else "against_voucher_no"): (
				suffix(r[f], n) if r[f] else r[f]
			)
		)
		copy_rows(doctype, {"voucher_no": template.name, "party": cust}, rename, INVOICES - 1)
	for n in range(INTERACTIONS):
		frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": cust,
				"subject": f"Bench call {n}",
				"channel": "Phone",
			}
		).insert(ignore_permissions=True)
	refresh_in_transaction([cust])
	return cust


def _without_crm_pack(value):
	if isinstance(value, dict):
		return frappe._dict({k: _without_crm_pack(v) for k, v in value.items()})
	if isinstance(value, list):
		return [v for v in value if not (isinstance(v, str) and v.startswith("crm_pack."))]
	return value


class HooksWithout:
	"""frappe.get_hooks as it would answer without crm_pack (computed once, so both modes
	pay the same for a lookup)."""

	def __init__(self):
		self.real = frappe.get_hooks
		self.hooks = _without_crm_pack(self.real())

	def get_hooks(self, hook=None, default="_KEEP_DEFAULT_LIST", app_name=None):
		if app_name:
			return self.real(hook, default, app_name)
		if hook:
			return self.hooks.get(hook, [] if default == "_KEEP_DEFAULT_LIST" else default)
		return self.hooks

	def __enter__(self):
		frappe.get_hooks = self.get_hooks
		return self

	def __exit__(self, *exc):
		frappe.get_hooks = self.real


def form_load(customer: str, crm_pack: bool) -> None:
	"""What the desk asks for when the Customer form opens (the meta is cached in the browser)."""
	from frappe.desk.form.load import getdoc
	from frappe.desk.notifications import get_open_count

	frappe.local.response = frappe._dict({"docs": []})
	frappe.clear_document_cache("Customer", customer)
	getdoc("Customer", customer)
	get_open_count("Customer", customer)
	# it limits statements to 1 s for the rest of its request (connection); this one goes on
	frappe.db.set_execution_timeout(0)
	if crm_pack:
		get_customer_360(customer)


def measure(fn, runs):
	fn()
	with QueryCount() as q:
		fn()
	return median([timed(fn) for _ in range(runs)]), q.count


def main():
	from erpnext.accounts.party import get_dashboard_info

	factories.ensure_base_records()
	frappe.db.commit()
	small = factories.customer()
	for _ in range(5):
		factories.sales_invoice(small, 100)
	large = make_large_customer()
	assert frappe.db.count("Sales Invoice", {"customer": large}) == INVOICES
	_, small_queries = measure(lambda: get_customer_summary(small), 5)
	times = {"summary": [], "dashboard": [], "360": [], "form": [], "form without": []}
	without = HooksWithout()
	form_load(large, True)
	with without:
		form_load(large, False)
	for _ in range(args.runs):  # interleaved: drift on a shared machine hits every call alike
		times["summary"].append(timed(lambda: get_customer_summary(large)))
		times["dashboard"].append(timed(lambda: get_dashboard_info("Customer", large)))
		times["360"].append(timed(lambda: get_customer_360(large)))
		times["form"].append(timed(lambda: form_load(large, True)))
		with without:
			times["form without"].append(timed(lambda: form_load(large, False)))
	_, summary_queries = measure(lambda: get_customer_summary(large), 1)
	_, dashboard_queries = measure(lambda: get_dashboard_info("Customer", large), 1)
	_, c360_queries = measure(lambda: get_customer_360(large), 1)
	_, form_queries = measure(lambda: form_load(large, True), 1)
	with without:
		_, form_without_queries = measure(lambda: form_load(large, False), 1)
	outstanding = get_customer_summary(large)["outstanding_amount"]
	# the full recompute (what a submit does up to the voucher limit, and the job beyond it)
	refresh_large, refresh_queries = measure(lambda: recompute([large]), 10)
	refresh_small, _ = measure(lambda: recompute([small]), 10)
	frappe.db.rollback()
	a, b = median(times["summary"]), median(times["dashboard"])
	c, f, w = median(times["360"]), median(times["form"]), median(times["form without"])
	print(environment())
	print(
		f"customer with {INVOICES} invoices and {INTERACTIONS} interactions (outstanding {outstanding}),"
		f" median of {args.runs} each, interleaved"
	)
	print(
		f"  get_customer_summary : {a * 1000:7.2f} ms  ({summary_queries} queries; {small_queries} for a 5-invoice customer)"
	)
	print(f"  get_customer_360     : {c * 1000:7.2f} ms  ({c360_queries} queries)")
	print(f"  get_dashboard_info   : {b * 1000:7.2f} ms  ({dashboard_queries} queries)")
	print(f"  summary / dashboard  : {a / b:.3f}  {verdict(a / b, 0.5)}")
	print(f"  360 / dashboard      : {c / b:.3f}  {verdict(c / b, 0.5)}")
	print("Customer form load (getdoc + Connections counts; with crm_pack also the 360 call)")
	print(f"  with crm_pack        : {f * 1000:7.2f} ms  ({form_queries} queries)")
	print(f"  without crm_pack     : {w * 1000:7.2f} ms  ({form_without_queries} queries)")
	print(f"  ratio                : {f / w:.3f}  {verdict(f / w, 1.1)}")
	print(
		f"  full recompute of one customer: {refresh_large * 1000:.1f} ms at {INVOICES} invoices, "
		f"{refresh_small * 1000:.1f} ms at 5 ({refresh_queries} queries both)"
	)


main()
