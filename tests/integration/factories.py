"""Builds ERPNext data the way a user would: real documents, inserted and submitted."""

import frappe
from frappe.utils import add_days, getdate, nowdate

ITEM = "CRM Pack Test Service"
USERS = {
	"crm.manager@crm-pack.test": ["CRM Manager"],
	"crm.user@crm-pack.test": ["CRM User"],
	"impl.manager@crm-pack.test": ["Implementation Manager"],
	"accounts.user@crm-pack.test": ["Accounts User"],
	"sales.only@crm-pack.test": ["Sales User"],
}


def company() -> str:
	return frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]


def ensure_base_records() -> None:
	"""Once per site (committed by the session fixture): fiscal years back to two years ago,
	a service item and one user per role."""
	this_year = getdate(nowdate()).year
	for year in range(this_year - 2, this_year + 1):
		if not frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": str(year),
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
				}
			).insert(ignore_permissions=True)
	if not frappe.db.exists("Item", ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_name": ITEM,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name") or "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
				"is_sales_item": 1,
			}
		).insert(ignore_permissions=True)
	for email, roles in USERS.items():
		if not frappe.db.exists("User", email):
			frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": email.split("@")[0],
					"send_welcome_email": 0,
				}
			).insert(ignore_permissions=True)
		# roles again after an uninstall (test_zz_lifecycle) took crm_pack's away
		missing = set(roles) - set(frappe.get_roles(email))
		if missing:
			frappe.get_doc("User", email).add_roles(*missing)


def customer(name: str | None = None, **values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name or f"CRM Test {frappe.generate_hash(length=8)}",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			**values,
		}
	).insert(ignore_permissions=True)
	return doc.name


def sales_invoice(cust: str, rate: float, qty: float = 1, posting_date=None, due_days: int = 30, submit=True):
	posting_date = getdate(posting_date or nowdate())
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": company(),
			"customer": cust,
			"posting_date": posting_date,
			"set_posting_time": 1,
			"due_date": add_days(posting_date, due_days),
			"items": [{"item_code": ITEM, "qty": qty, "rate": rate}],
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def sales_order(cust: str, rate: float, qty: float = 1, transaction_date=None, submit=True):
	transaction_date = getdate(transaction_date or nowdate())
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": company(),
			"customer": cust,
			"transaction_date": transaction_date,
			"delivery_date": add_days(transaction_date, 7),
			"items": [
				{"item_code": ITEM, "qty": qty, "rate": rate, "delivery_date": add_days(transaction_date, 7)}
			],
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def invoice_from_order(order, submit=True):
	from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice

	doc = make_sales_invoice(order.name)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def payment(invoice, amount: float | None = None, posting_date=None):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	pe = get_payment_entry("Sales Invoice", invoice.name, party_amount=amount)
	pe.reference_no = f"CRM-TEST-{frappe.generate_hash(length=6)}"
	pe.reference_date = getdate(posting_date or nowdate())
	pe.posting_date = getdate(posting_date or nowdate())
	pe.insert(ignore_permissions=True)
	pe.submit()
	return pe


def advance_payment(cust: str, amount: float):
	"""A payment received with no invoice to allocate it to."""
	from erpnext.accounts.party import get_party_account

	comp = company()
	cash = frappe.get_cached_value("Company", comp, "default_cash_account")
	pe = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Receive",
			"company": comp,
			"party_type": "Customer",
			"party": cust,
			"paid_from": get_party_account("Customer", cust, comp),
			"paid_to": cash,
			"paid_amount": amount,
			"received_amount": amount,
			"reference_no": f"CRM-ADV-{frappe.generate_hash(length=6)}",
			"reference_date": nowdate(),
		}
	)
	pe.insert(ignore_permissions=True)
	pe.submit()
	return pe


def credit_note(invoice, qty: float | None = None):
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	ret = make_return_doc("Sales Invoice", invoice.name)
	if qty is not None:
		for item in ret.items:
			item.qty = -abs(qty)
	ret.insert(ignore_permissions=True)
	ret.submit()
	return ret


def amend(doc):
	"""Cancel and submit the amended copy, as the desk's Amend button does."""
	doc.reload()
	doc.cancel()
	new = frappe.copy_doc(doc)
	new.amended_from = doc.name
	new.docstatus = 0
	new.insert(ignore_permissions=True)
	new.submit()
	return new
