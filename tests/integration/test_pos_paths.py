"""Point of sale: POS Invoices post nothing until the POS Closing Entry consolidates them
into Sales Invoices (one per customer, through POS Invoice Merge Log). The CRM Customer
must follow that path as it follows a Sales Invoice made by hand: equal to Accounts
Receivable and the Customer Ledger Summary when the closing is submitted, and again when
it is cancelled."""

import frappe
import pytest

from tests.integration import books, factories

PROFILE = "CRM Pack Test POS"


def pos_profile() -> str:
	company = factories.company()
	if frappe.get_meta("POS Settings").has_field("invoice_type"):
		# v16's POS makes Sales Invoices by default; this till takes POS Invoices, as a shop
		# with many sales a day sets it
		frappe.db.set_single_value("POS Settings", "invoice_type", "POS Invoice")
	cash = frappe.get_cached_value("Company", company, "default_cash_account")
	mode = frappe.get_doc("Mode of Payment", "Cash")
	if not any(a.company == company for a in mode.accounts):
		mode.append("accounts", {"company": company, "default_account": cash})
		mode.save(ignore_permissions=True)
	if not frappe.db.exists("POS Profile", PROFILE):
		abbr = frappe.get_cached_value("Company", company, "abbr")
		frappe.get_doc(
			{
				"doctype": "POS Profile",
				"name": PROFILE,
				"company": company,
				"currency": frappe.get_cached_value("Company", company, "default_currency"),
				"warehouse": frappe.db.get_value("Warehouse", {"company": company, "is_group": 0}, "name"),
				"cost_center": frappe.get_cached_value("Company", company, "cost_center"),
				"write_off_account": frappe.get_cached_value("Company", company, "write_off_account")
				or frappe.db.get_value("Account", {"company": company, "account_type": "Round Off"}, "name"),
				"write_off_cost_center": frappe.get_cached_value("Company", company, "cost_center"),
				"selling_price_list": frappe.db.get_value("Price List", {"selling": 1}, "name"),
				"income_account": frappe.get_cached_value("Company", company, "default_income_account")
				or f"Sales - {abbr}",
				# a customer on account pays part at the till, the rest later
				"allow_partial_payment": 1,
				"update_stock": 0,
				"payments": [{"mode_of_payment": "Cash", "default": 1}],
			}
		).insert(ignore_permissions=True)
	return PROFILE


def open_till(profile: str):
	entry = frappe.get_doc(
		{
			"doctype": "POS Opening Entry",
			"pos_profile": profile,
			"user": frappe.session.user,
			"company": factories.company(),
			"period_start_date": frappe.utils.now_datetime(),
			"posting_date": frappe.utils.nowdate(),
			"balance_details": [{"mode_of_payment": "Cash", "opening_amount": 0}],
		}
	)
	entry.submit()
	return entry


def pos_invoice(profile: str, cust: str, rate: float, paid: float):
	doc = frappe.get_doc(
		{
			"doctype": "POS Invoice",
			"company": factories.company(),
			"pos_profile": profile,
			"customer": cust,
			"is_pos": 1,
			"update_stock": 0,
			"items": [{"item_code": factories.ITEM, "qty": 1, "rate": rate}],
		}
	)
	doc.set_missing_values()
	doc.set("payments", [])
	doc.append("payments", {"mode_of_payment": "Cash", "amount": paid, "default": 1})
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


@pytest.fixture
def till():
	# one open till per user and profile at a time: close what an earlier failed run left
	for name in frappe.get_all(
		"POS Opening Entry", filters={"pos_profile": PROFILE, "status": "Open", "docstatus": 1}, pluck="name"
	):
		frappe.db.set_value("POS Opening Entry", name, "status", "Closed")
	return open_till(pos_profile())


def test_closing_the_till_brings_pos_sales_into_the_customer_figures(till):
	from erpnext.accounts.doctype.pos_closing_entry.pos_closing_entry import (
		make_closing_entry_from_opening,
	)

	cust, other = factories.customer(), factories.customer()
	pos_invoice(till.pos_profile, cust, 500, paid=500)
	pos_invoice(till.pos_profile, cust, 300, paid=100)  # 200 left on account
	pos_invoice(till.pos_profile, other, 250, paid=250)
	books.settle()
	# nothing has posted yet: ERPNext's reports do not see the POS Invoices either
	assert books.stored(cust) == books.expected(cust, factories.company())
	assert books.stored(cust)["total_billed"] == 0

	closing = make_closing_entry_from_opening(till)
	for row in closing.payment_reconciliation:
		row.closing_amount = row.expected_amount
	closing.submit()

	assert books.stored(cust) == {
		"outstanding_amount": 200,
		"overdue_amount": books.expected(cust, factories.company())["overdue_amount"],
		"total_billed": 800,
		"total_paid": 600,
	}
	for c in (cust, other):
		assert books.stored(c) == books.expected(c, factories.company()), c
	consolidated = frappe.get_all(
		"Sales Invoice", filters={"customer": cust, "docstatus": 1, "is_consolidated": 1}, pluck="name"
	)
	assert consolidated
	assert frappe.db.get_value("CRM Customer", cust, "last_invoice_date") is not None

	closing.reload()
	closing.cancel()
	for c in (cust, other):
		assert books.stored(c) == books.expected(c, factories.company()), c
	assert books.stored(cust)["total_billed"] == 0
