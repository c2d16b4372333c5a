"""What a collector (Accounts User) does after the daily run sent a letter: receive the
payment, take a credit note, reconcile an advance, undo a payment. ERPNext re-marks the
invoice's Dunnings as the outstanding moves and saves them with the user's rights, which
an Accounts User lacks for a submitted Dunning: crm_pack made those Dunnings, so it must
never be what stops the receipt (credit_control/dunning_status.py)."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests.integration import books, factories
from tests.integration.collections_setup import (
	customer_with_email,
	dunnings,
	levels,  # noqa: F401 (the fixture)
	overdue_invoice,
	run,
	state,
)
from tests.integration.test_receivable_paths import reconcile

pytestmark = pytest.mark.usefixtures("levels")
COLLECTOR = "accounts.user@crm-pack.test"


@pytest.fixture
def as_collector():
	yield lambda: frappe.set_user(COLLECTOR)
	frappe.set_user("Administrator")


def dunned(cust, invoice):
	run(cust)
	letters = dunnings(cust)
	assert [(d.docstatus, d.status) for d in letters] == [(1, "Unresolved")], (
		"the run sends a submitted Dunning"
	)
	assert frappe.db.exists("Overdue Payment", {"parent": letters[0].name, "sales_invoice": invoice.name})
	return letters[0].name


def status(dunning):
	return frappe.db.get_value("Dunning", dunning, "status")


def test_the_collector_receives_a_payment_and_cancels_it_again(as_collector):
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 300, 40)
	letter = dunned(cust, invoice)

	as_collector()
	payment = factories.payment(invoice)
	assert status(letter) == "Resolved"
	assert (
		books.stored(cust)["outstanding_amount"]
		== 0
		== books.receivable(cust, factories.company())["outstanding_amount"]
	)
	assert state(cust).collection_level == 0

	payment.reload()
	payment.cancel()  # a receipt posted to the wrong customer, taken back
	books.settle()
	assert status(letter) == "Unresolved"
	assert (
		books.stored(cust)["overdue_amount"]
		== 300
		== books.receivable(cust, factories.company())["overdue_amount"]
	)


def test_a_partial_payment_leaves_the_letter_open(as_collector):
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 300, 40)
	letter = dunned(cust, invoice)
	as_collector()
	factories.payment(invoice, 100)
	assert status(letter) == "Unresolved"
	assert books.stored(cust)["outstanding_amount"] == 200


def test_the_collector_takes_a_credit_note(as_collector):
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	cust = customer_with_email()
	invoice = overdue_invoice(cust, 300, 40)
	letter = dunned(cust, invoice)
	as_collector()
	ret = make_return_doc("Sales Invoice", invoice.name)
	ret.update_outstanding_for_self = 0
	ret.insert()
	ret.submit()
	books.settle()
	assert status(letter) == "Resolved"
	assert books.stored(cust)["outstanding_amount"] == 0


def test_the_collector_reconciles_an_advance_and_unreconciles_it(as_collector):
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 500, 40)
	letter = dunned(cust, invoice)
	advance = factories.advance_payment(cust, 500)  # received after the letter went
	as_collector()
	reconcile(cust, invoice, "Payment Entry", advance.name, invoice.debit_to)
	books.settle()
	assert status(letter) == "Resolved"
	assert books.stored(cust)["outstanding_amount"] == 0

	undo = frappe.get_doc(
		{
			"doctype": "Unreconcile Payment",
			"company": factories.company(),
			"voucher_type": "Payment Entry",
			"voucher_no": advance.name,
		}
	)
	undo.add_references()
	undo.insert()
	undo.submit()
	books.settle()
	assert status(letter) == "Unresolved"
	assert (
		books.stored(cust)["overdue_amount"]
		== 500
		== books.receivable(cust, factories.company())["overdue_amount"]
	)


def test_an_invoice_due_in_two_instalments_is_paid_in_one_receipt(as_collector):
	"""Each instalment is a row of the Dunning; ERPNext 15.92 / 16.9 load the Dunning once per
	row and the second save fails on its timestamp (erpnext#57538) — not on crm_pack's."""
	cust = customer_with_email()
	invoice = factories.sales_invoice(cust, 400, posting_date=add_days(nowdate(), -90), submit=False)
	invoice.payment_terms_template = None
	invoice.set(
		"payment_schedule",
		[
			{"due_date": add_days(nowdate(), -60), "invoice_portion": 50, "payment_amount": 200},
			{"due_date": add_days(nowdate(), -45), "invoice_portion": 50, "payment_amount": 200},
		],
	)
	invoice.save(ignore_permissions=True)
	invoice.submit()
	books.settle()
	letter = dunned(cust, invoice)
	assert frappe.db.count("Overdue Payment", {"parent": letter}) == 2
	as_collector()
	factories.payment(invoice)
	assert status(letter) == "Resolved"
	assert books.stored(cust)["outstanding_amount"] == 0
