"""Submits for one customer from parallel connections lose no update and surface no deadlock.

Each thread has its own database connection and commits, as two users would; the
data stays on the test site (unique customer name)."""

import threading

import frappe

from crm_pack.ledger import refresh as ledger_sync
from tests.integration import books, factories
from tests.integration.conftest import SITE, SITES_PATH

THREADS, INVOICES_EACH = 2, 4


def test_parallel_submits_for_one_customer():
	cust = factories.customer()
	frappe.db.commit()
	start = threading.Barrier(THREADS)
	errors = []

	def user_session():
		frappe.init(site=SITE, sites_path=str(SITES_PATH))
		frappe.connect()
		frappe.flags.in_test = True
		frappe.set_user("Administrator")
		try:
			start.wait()
			for _ in range(INVOICES_EACH):
				factories.sales_invoice(cust, 100)
				frappe.db.commit()
		except Exception as e:  # a deadlock or lost submit is the failure this test looks for
			errors.append(repr(e))
			frappe.db.rollback()
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=user_session) for _ in range(THREADS)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=300)

	assert errors == []
	frappe.db.commit()  # a fresh snapshot that sees both sessions' commits
	expected = books.expected(cust, factories.company())
	assert expected["outstanding_amount"] == THREADS * INVOICES_EACH * 100
	# Every customer ends either correct already or flagged for the recompute that makes it so:
	if frappe.db.get_value("CRM Customer", cust, "ledger_dirty"):
		ledger_sync.recompute_dirty(commit=False)
	assert books.stored(cust) == expected
	assert frappe.db.get_value("CRM Customer", cust, "ledger_dirty") == 0
