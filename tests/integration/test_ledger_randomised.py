"""A randomised sequence of ledger operations ends with zero differences for every customer."""

import os
import random

import frappe
from frappe.utils import add_days, nowdate

from crm_pack.ledger import refresh as ledger_sync
from tests.integration import books, factories

OPERATIONS = int(os.environ.get("CRM_PACK_RANDOM_OPS", "300"))


def test_randomised_operations_end_with_zero_differences():
	seed = int(os.environ.get("CRM_PACK_SEED", random.randrange(1_000_000)))
	rnd = random.Random(seed)
	customers = [factories.customer() for _ in range(4)]
	plain = []  # invoices with no payment or return: may be cancelled or amended
	open_invoices = []  # may be paid or returned
	payments = []  # payment entries allocated to an invoice: may be unreconciled
	done = {}

	def invoice():
		doc = factories.sales_invoice(
			rnd.choice(customers),
			rnd.randrange(10, 1000),
			qty=rnd.randint(1, 5),
			posting_date=add_days(nowdate(), -rnd.randrange(0, 90)),
			due_days=rnd.randrange(0, 60),
		)
		plain.append(doc)
		open_invoices.append(doc)

	def pay():
		doc = rnd.choice(open_invoices)
		outstanding = frappe.db.get_value("Sales Invoice", doc.name, "outstanding_amount")
		if outstanding <= 1:
			return False
		payments.append(factories.payment(doc, round(outstanding * rnd.uniform(0.1, 1), 2)))
		_retire(plain, doc)

	def cancel():
		doc = plain.pop(rnd.randrange(len(plain)))
		_retire(open_invoices, doc)
		doc.reload()
		doc.cancel()

	def amend():
		doc = plain.pop(rnd.randrange(len(plain)))
		_retire(open_invoices, doc)
		new = factories.amend(doc)
		plain.append(new)
		open_invoices.append(new)

	def credit_note():
		doc = rnd.choice(open_invoices)
		_retire(open_invoices, doc)
		_retire(plain, doc)
		factories.credit_note(doc, qty=1)

	def advance():
		factories.advance_payment(rnd.choice(customers), rnd.randrange(10, 300))

	def unreconcile():
		pe = payments.pop(rnd.randrange(len(payments)))
		doc = frappe.get_doc(
			{
				"doctype": "Unreconcile Payment",
				"company": pe.company,
				"voucher_type": "Payment Entry",
				"voucher_no": pe.name,
			}
		)
		doc.add_references()
		if not doc.allocations:
			return False
		doc.save()
		doc.submit()

	def order():
		so = factories.sales_order(rnd.choice(customers), rnd.randrange(10, 500), qty=rnd.randint(1, 3))
		if rnd.random() < 0.3:
			from erpnext.selling.doctype.sales_order.sales_order import update_status

			update_status("Closed", so.name)

	choices = [
		(invoice, 30, lambda: True),
		(pay, 20, lambda: open_invoices),
		(cancel, 8, lambda: plain),
		(amend, 8, lambda: plain),
		(credit_note, 10, lambda: open_invoices),
		(advance, 8, lambda: True),
		(unreconcile, 6, lambda: payments),
		(order, 10, lambda: True),
	]
	for step in range(OPERATIONS):
		possible = [(op, weight) for op, weight, ready in choices if ready()]
		op = rnd.choices([p[0] for p in possible], weights=[p[1] for p in possible])[0]
		if op() is not False:
			done[op.__name__] = done.get(op.__name__, 0) + 1
		if (step + 1) % 100 == 0 or step == OPERATIONS - 1:
			differences = {
				c: (books.stored(c), books.expected(c, factories.company()))
				for c in customers
				if books.stored(c) != books.expected(c, factories.company())
			}
			assert not differences, f"seed {seed}, after {step + 1} operations {done}: {differences}"
	assert sum(done.values()) >= OPERATIONS * 0.9, done
	# and a full recompute finds nothing left to correct
	assert [d for d in ledger_sync.recompute_all() if d["customer"] in customers] == []
	print(f"seed {seed}: {sum(done.values())} operations {done}")


def _retire(pool, doc):
	for i, d in enumerate(pool):
		if d.name == doc.name:
			del pool[i]
			return
