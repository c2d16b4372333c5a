"""The CRM Customer timeline notes each order, invoice and payment submitted or cancelled."""

import frappe

from crm_pack import compat
from crm_pack.interactions.timeline import ledger_documents
from tests.integration import factories


def test_submitted_and_cancelled_documents_appear_on_the_timeline():
	cust = factories.customer()
	# frappe's test mode skips Version records; a live site always writes them
	compat.set_in_test(False)
	try:
		order = factories.sales_order(cust, 250)
		invoice = factories.sales_invoice(cust, 100)
		invoice.cancel()
	finally:
		compat.set_in_test(True)
	entries = ledger_documents("CRM Customer", cust)
	texts = [e["content"] for e in entries]
	assert any(order.name in t and "submitted" in t for t in texts)
	assert any(invoice.name in t and "submitted" in t for t in texts)
	assert any(invoice.name in t and "cancelled" in t for t in texts)
	assert all(e["creation"] for e in entries)


def test_the_collector_sees_the_payment_that_kept_a_promise():
	"""The promise and the receipt side by side on the CRM Customer's timeline, read as the
	collector (Accounts User) who posted it."""
	from frappe.desk.form.load import get_docinfo

	cust = factories.customer()
	invoice = factories.sales_invoice(cust, 480)
	frappe.set_user("accounts.user@crm-pack.test")
	compat.set_in_test(False)
	try:
		payment = factories.payment(invoice)
	finally:
		compat.set_in_test(True)
	get_docinfo(frappe.get_doc("CRM Customer", cust))
	texts = [e["content"] for e in frappe.response["docinfo"]["additional_timeline_content"]]
	[line] = [t for t in texts if payment.name in t]
	assert "submitted" in line and frappe.utils.fmt_money(480, currency=invoice.currency) in line


def test_timeline_shows_only_documents_the_user_may_read():
	cust = factories.customer()
	compat.set_in_test(False)
	try:
		factories.sales_invoice(cust, 100)
	finally:
		compat.set_in_test(True)
	frappe.set_user("crm.user@crm-pack.test")  # no Sales Invoice permission
	assert ledger_documents("CRM Customer", cust) == []


def test_crm_customer_form_opens_for_crm_and_accounts_users():
	from frappe.desk.form.load import getdoc

	cust = factories.customer()
	factories.sales_invoice(cust, 100)
	frappe.db.set_value("CRM Customer", cust, "relationship_owner", "crm.user@crm-pack.test")
	for user in ("crm.user@crm-pack.test", "accounts.user@crm-pack.test"):
		frappe.set_user(user)
		frappe.response.docs = []
		getdoc("CRM Customer", cust)
		assert frappe.response.docs[0].name == cust
		assert "additional_timeline_content" in frappe.response.docinfo
