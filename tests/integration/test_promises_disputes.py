"""Promises to pay and disputes on a real site: checked when recorded, kept by a
payment in its own transaction, broken by the calendar (escalating the follow-up and
lowering the kept rate); a disputed invoice held out of the follow-up, clocked by its
complaint and released when the complaint is resolved."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from tests.integration import factories
from tests.integration.collections_setup import (
	customer_with_email,
	levels,  # noqa: F401 (the fixture)
	overdue_invoice,
	reminders,
	run,
	state,
)

pytestmark = pytest.mark.usefixtures("levels")


def promise(cust, amount, date=None, invoices=(), company=None):
	return frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"channel": "Phone",
			"direction": "Inbound",
			"interaction_type": "Promise to Pay",
			"subject": "Will pay next week",
			"company": company or factories.company(),
			"promised_amount": amount,
			"promised_date": date or add_days(nowdate(), 7),
			"invoices": [{"sales_invoice": i.name} for i in invoices],
		}
	).insert()


def dispute(cust, invoices, **values):
	return frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"channel": "Email",
			"direction": "Inbound",
			"interaction_type": "Dispute",
			"subject": "Goods damaged",
			"company": factories.company(),
			"invoices": [{"sales_invoice": i.name} for i in invoices],
			**values,
		}
	).insert()


def test_a_promise_is_checked_and_filled_from_the_ledger():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 5)
	# money in the reader's format, not raw floats
	with pytest.raises(
		frappe.ValidationError,
		match=r"amount \$ 150\.00 is more than the listed invoices still open \(\$ 100\.00\)",
	):
		promise(cust, 150, invoices=[invoice])
	with pytest.raises(frappe.ValidationError, match="in the past"):
		promise(cust, 50, date=add_days(nowdate(), -1))
	with pytest.raises(frappe.ValidationError, match="more than zero"):
		promise(cust, 0)
	other = overdue_invoice(customer_with_email(), 80, 5)
	with pytest.raises(frappe.ValidationError, match="not to this customer"):
		promise(cust, 50, invoices=[other])
	draft = factories.sales_invoice(cust, 30, submit=False)
	with pytest.raises(frappe.ValidationError, match="not submitted"):
		promise(cust, 10, invoices=[draft])
	doc = promise(cust, 60, invoices=[invoice])
	assert doc.promise_status == "Open" and doc.currency
	assert (doc.invoices[0].outstanding_amount, str(doc.invoices[0].due_date)) == (100, str(invoice.due_date))
	s = state(cust)
	assert (s.open_promise_amount, str(s.open_promise_date)) == (60, str(doc.promised_date))


def test_a_payment_keeps_the_promise_in_its_own_transaction():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 5)
	doc = promise(cust, 60, invoices=[invoice])
	factories.payment(invoice, 60)  # the before-commit refresh decides the promise
	doc.reload()
	assert (doc.promise_status, doc.promise_paid_amount) == ("Kept", 60)
	s = state(cust)
	assert (s.open_promise_amount, s.promise_kept_rate) == (0, 100)


def test_a_promise_without_invoices_is_kept_by_payments_in_its_company():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 5)
	doc = promise(cust, 100)
	factories.payment(invoice, 50)
	doc.reload()
	assert (doc.promise_status, doc.promise_paid_amount) == ("Open", 50)
	factories.payment(invoice, 50)
	doc.reload()
	assert doc.promise_status == "Kept"


def test_an_open_promise_pauses_the_follow_up_until_its_date():
	cust = customer_with_email()
	overdue_invoice(cust, 100, 3)
	run(cust)
	assert state(cust).collection_level == 1
	overdue_invoice(cust, 200, 20)
	promise(cust, 300, date=add_days(nowdate(), 5))
	run(cust)
	s = state(cust)
	assert s.collection_level == 1  # paused, though 20 days overdue
	assert getdate(s.next_collection_date) == add_days(getdate(nowdate()), 6)


def test_a_broken_promise_escalates_and_lowers_the_kept_rate():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 3)
	run(cust)
	kept = promise(cust, 20, invoices=[invoice])
	factories.payment(invoice, 20)
	assert frappe.db.get_value("Customer Interaction", kept.name, "promise_status") == "Kept"
	doc = promise(cust, 80, date=nowdate())
	# the promised day passes unpaid: moved into the past, as the calendar would
	doc.db_set("promised_date", add_days(nowdate(), -2))
	run(cust)
	doc.reload()
	assert doc.promise_status == "Broken"
	s = state(cust)
	assert s.collection_level == 2  # one level up at once, only 3 days overdue
	assert s.promise_kept_rate == 50
	assert [r.collection_level for r in reminders(cust)] == [1, 2]


def test_a_disputed_invoice_is_held_out_until_its_complaint_is_resolved():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 40)
	doc = dispute(cust, [invoice])
	assert doc.complaint
	complaint = frappe.get_doc("Customer Interaction", doc.complaint)
	assert (complaint.interaction_type, complaint.customer) == ("Complaint", cust)
	assert complaint.service_level_agreement and complaint.response_by and complaint.sla_resolution_by
	assert state(cust).disputed_amount == 100
	run(cust)
	assert state(cust).collection_level == 0 and reminders(cust) == []

	complaint.status = "Resolved"
	complaint.save()
	assert frappe.db.get_value("Customer Interaction", doc.name, "status") == "Resolved"
	assert state(cust).disputed_amount == 0
	run(cust)
	assert state(cust).collection_level == 3


def test_a_partly_disputed_invoice_counts_the_rest():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 20)
	doc = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"channel": "Email",
			"interaction_type": "Dispute",
			"subject": "Price difference",
			"company": factories.company(),
			"invoices": [{"sales_invoice": invoice.name, "amount": 30}],
		}
	).insert()
	assert state(cust).disputed_amount == 30
	run(cust)
	assert state(cust).collection_level == 2
	assert frappe.db.get_value("Customer Interaction", doc.name, "status") == "Open"


def test_a_dispute_needs_its_invoices():
	cust = customer_with_email()
	with pytest.raises(frappe.ValidationError, match="List the disputed invoices"):
		dispute(cust, [])


def test_resolving_the_dispute_itself_releases_its_invoices():
	cust = customer_with_email()
	invoice = overdue_invoice(cust, 100, 20)
	doc = dispute(cust, [invoice])
	run(cust)
	assert state(cust).collection_level == 0
	doc.reload()
	doc.status = "Resolved"
	doc.save()
	assert state(cust).disputed_amount == 0
	run(cust)
	assert state(cust).collection_level == 2
