"""Benchmark: a mixed day of selling documents for many customers, with crm_pack's hooks vs
bypassed (target <= 1.05x), and where the time goes per kind of document.

A day, for each of --customers customers (each with one earlier invoice): a quotation, the
sales order made from it, its delivery note, the invoice from the delivery, a payment (in
full or half), and by turns a credit note, a return delivery, a second order cancelled, an
invoice cancelled; once a day a payment received in advance is matched to an invoice with
ERPNext's Payment Reconciliation. Every step ends as a request does: crm_pack's
before-commit refresh runs (events.flush) and is timed with it.

Rounds alternate hooks / bypassed (the first pair warms caches and is not counted); each
round runs in one transaction that is rolled back, so the site is left as it was. Prints
the median day with each, the ratio, and per step the median time and queries in both
modes. --profile also runs one day with hooks under cProfile and prints crm_pack's share.

    cd <bench> && PYTHONPATH=<repo> env/bin/python <repo>/benchmarks/mixed_day.py --site <site> --runs 5 [--customers 8] [--profile]

--runs 0 --profile only profiles.
"""

import collections

from _site import connect, environment, median, paired_ratio, timed, verdict, without_crm_pack


def options(parser):
	parser.add_argument("--customers", type=int, default=8)
	parser.add_argument("--profile", action="store_true")


args = connect(__doc__, options)

import frappe  # noqa: E402
from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry  # noqa: E402
from erpnext.accounts.party import get_party_account  # noqa: E402
from erpnext.controllers.sales_and_purchase_return import make_return_doc  # noqa: E402
from erpnext.selling.doctype.quotation.quotation import make_sales_order  # noqa: E402
from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note  # noqa: E402
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice  # noqa: E402
from frappe.utils import add_days, nowdate  # noqa: E402

from crm_pack.ledger import events  # noqa: E402
from tests.integration import factories  # noqa: E402
from tests.integration.query_count import QueryCount  # noqa: E402


class Day:
	"""Plays one day; `step` times each action with the refresh that ends its request."""

	def __init__(self):
		self.times = collections.defaultdict(float)
		self.queries = collections.defaultdict(int)
		self.counts = collections.Counter()

	def step(self, label: str, fn):
		result = None

		def run():
			nonlocal result
			result = fn()
			events.flush()

		with QueryCount() as q:
			self.times[label] += timed(run)
		self.queries[label] += q.count
		self.counts[label] += 1
		return result


def submitted(doc):
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def quotation(cust: str):
	today = nowdate()
	return frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": cust,
			"company": factories.company(),
			"transaction_date": today,
			"valid_till": add_days(today, 30),
			"items": [{"item_code": factories.ITEM, "qty": 2, "rate": 150}],
		}
	)


def order_from(quote):
	so = make_sales_order(quote.name)
	so.delivery_date = add_days(nowdate(), 7)
	for row in so.items:
		row.delivery_date = so.delivery_date
	return so


def payment(invoice, amount=None):
	pe = get_payment_entry("Sales Invoice", invoice.name, party_amount=amount)
	pe.reference_no = f"BENCH-DAY-{frappe.generate_hash(length=8)}"
	pe.reference_date = nowdate()
	return pe


def reconcile(cust: str):
	pr = frappe.new_doc("Payment Reconciliation")
	pr.company = factories.company()
	pr.party_type = "Customer"
	pr.party = cust
	pr.receivable_payable_account = get_party_account("Customer", cust, pr.company)
	pr.get_unreconciled_entries()
	invoices = [x.as_dict() for x in pr.invoices]
	payments = [x.as_dict() for x in pr.payments]
	pr.allocate_entries(frappe._dict({"invoices": invoices, "payments": payments}))
	pr.reconcile()
	return pr


def prepare(customers: int) -> list[str]:
	"""The day's customers, each with an earlier invoice (hooks on, not timed)."""
	names = [factories.customer() for _ in range(customers)]
	for cust in names:
		factories.sales_invoice(cust, 80, posting_date=add_days(nowdate(), -20))
	events.flush()
	return names


def play(day: Day, customers: list[str]) -> None:
	for i, cust in enumerate(customers):
		quote = day.step("Quotation", lambda c=cust: submitted(quotation(c)))
		so = day.step("Sales Order", lambda q=quote: submitted(order_from(q)))
		dn = day.step("Delivery Note", lambda s=so: submitted(make_delivery_note(s.name)))
		si = day.step("Sales Invoice", lambda d=dn: submitted(make_sales_invoice(d.name)))
		day.step("Payment Entry", lambda s=si, i=i: submitted(payment(s, None if i % 2 else 150)))
		if i % 3 == 0:
			day.step("Credit Note", lambda s=si: _credit_note(s))
		if i % 3 == 1:
			day.step("Delivery Note return", lambda d=dn: _return_delivery(d))
		if i % 4 == 1:
			other = day.step("Sales Order", lambda c=cust: submitted(order_from(submitted(quotation(c)))))
			day.step("cancel Sales Order", lambda o=other: o.cancel())
		if i % 4 == 3:
			wrong = day.step("Sales Invoice", lambda c=cust: factories.sales_invoice(c, 99))
			day.step("cancel Sales Invoice", lambda w=wrong: w.cancel())
	first = customers[0]
	day.step("Payment Entry", lambda: factories.advance_payment(first, 200))
	day.step("Sales Invoice", lambda: factories.sales_invoice(first, 200))
	day.step("Payment Reconciliation", lambda: reconcile(first))


def _credit_note(invoice):
	ret = make_return_doc("Sales Invoice", invoice.name)
	for row in ret.items:
		row.qty = -1
	return submitted(ret)


def _return_delivery(delivery):
	ret = make_return_doc("Delivery Note", delivery.name)
	for row in ret.items:
		row.qty = -1
	return submitted(ret)


def profile(customers: int, with_hooks: dict) -> None:
	import cProfile
	import pstats

	frappe.local.doc_events_hooks = with_hooks
	names = prepare(customers)
	profiler = cProfile.Profile()
	profiler.enable()
	play(Day(), names)
	profiler.disable()
	frappe.db.rollback()
	stats = pstats.Stats(profiler)
	total = sum(row[3] for row in stats.stats.values() if row is not None) and stats.total_tt
	ours = {
		func: row
		for func, row in stats.stats.items()
		if "/crm_pack/" in func[0] and "/tests/" not in func[0] and "/benchmarks/" not in func[0]
	}
	# cumulative time of crm_pack's entry points (functions no other crm_pack function called)
	roots = {
		func: row
		for func, row in ours.items()
		if not any("/crm_pack/" in caller[0] and "/tests/" not in caller[0] for caller in row[4])
	}
	share = sum(row[3] for row in roots.values())
	print(
		f"cProfile, one day with hooks: {total:.2f} s in all (profiled), crm_pack's entry points"
		f" {share:.3f} s = {100 * share / total:.1f} %"
	)
	for func, row in sorted(roots.items(), key=lambda kv: -kv[1][3])[:12]:
		print(f"  {row[3] * 1000:8.1f} ms  {row[1]:5d} calls  {func[0].split('/crm_pack/')[-1]}:{func[2]}")


def main():
	factories.ensure_base_records()
	frappe.db.commit()
	print(environment())
	with_hooks = frappe.get_doc_hooks()
	bypassed = without_crm_pack(with_hooks)
	totals = {"hooks": [], "bypassed": []}
	steps = {"hooks": collections.defaultdict(list), "bypassed": collections.defaultdict(list)}
	queries, counts = {"hooks": {}, "bypassed": {}}, {}
	try:
		for r in range(args.runs * 2 + 2 if args.runs else 0):
			mode = "hooks" if r % 2 == 0 else "bypassed"
			frappe.local.doc_events_hooks = with_hooks
			names = prepare(args.customers)
			frappe.local.doc_events_hooks = with_hooks if mode == "hooks" else bypassed
			day = Day()
			play(day, names)
			frappe.db.rollback()
			if r < 2:
				continue
			totals[mode].append(sum(day.times.values()))
			for label, seconds in day.times.items():
				steps[mode][label].append(seconds)
			queries[mode] = dict(day.queries)
			counts = dict(day.counts)
		if args.profile:
			profile(args.customers, with_hooks)
	finally:
		frappe.local.doc_events_hooks = with_hooks
		frappe.db.rollback()
	if not args.runs:
		return
	a, b = median(totals["hooks"]), median(totals["bypassed"])
	documents = sum(counts.values())
	print(
		f"a day of {documents} steps for {args.customers} customers, median of {args.runs} days each,"
		" interleaved (each step timed with its before-commit refresh)"
	)
	print(
		f"  {'step':<24}{'n':>4}{'hooks ms':>11}{'bypassed ms':>13}{'ratio':>8}{'queries':>10}{'bypassed':>10}"
	)
	for label in counts:
		h, p = median(steps["hooks"][label]), median(steps["bypassed"][label])
		n = counts[label]
		print(
			f"  {label:<24}{n:>4}{h * 1000 / n:>11.1f}{p * 1000 / n:>13.1f}{h / p:>8.3f}"
			f"{queries['hooks'][label] / n:>10.1f}{queries['bypassed'][label] / n:>10.1f}"
		)
	control = median(steps["hooks"]["Quotation"]) / median(steps["bypassed"]["Quotation"])
	print(f"  control: Quotation, which crm_pack does not listen to, hooks / bypassed = {control:.3f}")
	print(f"  whole day with crm_pack hooks : {a:7.2f} s")
	print(f"  whole day hooks bypassed      : {b:7.2f} s")
	print(f"  ratio                         : {a / b:.3f}  {verdict(a / b, 1.05)}")
	print(f"  median paired ratio           : {paired_ratio(totals['hooks'], totals['bypassed']):.3f}")
	print(environment())


main()
