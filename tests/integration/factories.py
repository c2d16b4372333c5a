"""Builds ERPNext data the way a user would: real documents, inserted and submitted."""

import frappe
from frappe.utils import add_days, getdate, nowdate

ITEM = "CRM Pack Test Service"
USERS = {
	"crm.manager@crm-pack.test": ["CRM Manager"],
	"crm.user@crm-pack.test": ["CRM User"],
	# sales staff: CRM records of their customers, and read on Company (Sales User)
	"crm.sales@crm-pack.test": ["CRM User", "Sales User"],
	"impl.manager@crm-pack.test": ["Implementation Manager"],
	"accounts.user@crm-pack.test": ["Accounts User"],
	"accounts.manager@crm-pack.test": ["Accounts Manager"],
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


def _settle() -> None:
	"""Each helper is one user action: crm_pack's before-commit refresh runs at its end."""
	from tests.integration.books import settle

	settle()


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
	_settle()
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
	_settle()
	return doc


def invoice_from_order(order, submit=True):
	from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice

	doc = make_sales_invoice(order.name)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	_settle()
	return doc


def payment(invoice, amount: float | None = None, posting_date=None):
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	pe = get_payment_entry("Sales Invoice", invoice.name, party_amount=amount)
	pe.reference_no = f"CRM-TEST-{frappe.generate_hash(length=6)}"
	pe.reference_date = getdate(posting_date or nowdate())
	pe.posting_date = getdate(posting_date or nowdate())
	pe.insert(ignore_permissions=True)
	pe.submit()
	_settle()
	return pe


def advance_payment(cust: str, amount: float, company_name: str | None = None):
	"""A payment received with no invoice to allocate it to."""
	from erpnext.accounts.party import get_party_account

	comp = company_name or company()
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
	_settle()
	return pe


def journal_credit(invoice, amount: float, against: bool = False, contra_account: str | None = None):
	"""A Journal Entry crediting the invoice's customer on its receivable account (a payment
	or write-off booked by hand); `against` allocates it to the invoice at once, otherwise it
	waits, unallocated, for the Payment Reconciliation tool."""
	company = invoice.company
	party_line = {
		"account": invoice.debit_to,
		"party_type": "Customer",
		"party": invoice.customer,
		"credit_in_account_currency": amount,
	}
	if against:
		party_line.update(reference_type="Sales Invoice", reference_name=invoice.name)
	je = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"company": company,
			"posting_date": nowdate(),
			"accounts": [
				party_line,
				{
					"account": contra_account
					or frappe.get_cached_value("Company", company, "default_cash_account"),
					"debit_in_account_currency": amount,
					"cost_center": invoice.items[0].cost_center,
				},
			],
		}
	).insert(ignore_permissions=True)
	je.submit()
	_settle()
	return je


def credit_note(invoice, qty: float | None = None):
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	ret = make_return_doc("Sales Invoice", invoice.name)
	if qty is not None:
		for item in ret.items:
			item.qty = -abs(qty)
	ret.insert(ignore_permissions=True)
	ret.submit()
	_settle()
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
	_settle()
	return new


EU_COMPANY = "CRM Pack Europe"
EUR_RATE = 1.1  # EUR -> USD, the rate the tests record in Currency Exchange


def eu_company() -> str:
	"""A second company, in EUR (the default company is in USD). Created once per site."""
	if not frappe.db.exists("Company", EU_COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": EU_COMPANY,
				"abbr": "CPEU",
				"default_currency": "EUR",
				"country": "Germany",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	for source, target, rate in (("EUR", "USD", EUR_RATE), ("USD", "EUR", round(1 / EUR_RATE, 9))):
		if not frappe.db.exists("Currency Exchange", {"from_currency": source, "to_currency": target}):
			frappe.get_doc(
				{
					"doctype": "Currency Exchange",
					"date": f"{getdate(nowdate()).year - 2}-01-01",
					"from_currency": source,
					"to_currency": target,
					"exchange_rate": rate,
					"for_selling": 1,
					"for_buying": 1,
				}
			).insert(ignore_permissions=True)
	return EU_COMPANY


def eur_debtors(company_name: str) -> str:
	"""A receivable account in EUR in the USD company, for customers billed in EUR (and the
	exchange gain/loss accounts a foreign-currency receivable needs)."""
	abbr = frappe.get_cached_value("Company", company_name, "abbr")
	gain_loss = frappe.db.get_value(
		"Account", {"company": company_name, "account_name": "Exchange Gain/Loss", "is_group": 0}
	)
	for field in ("exchange_gain_loss_account", "unrealized_exchange_gain_loss_account"):
		if gain_loss and not frappe.get_cached_value("Company", company_name, field):
			frappe.db.set_value("Company", company_name, field, gain_loss)
	name = f"Debtors EUR - {abbr}"
	if not frappe.db.exists("Account", name):
		parent = frappe.db.get_value(
			"Account",
			{"company": company_name, "account_type": "Receivable", "is_group": 0},
			"parent_account",
		)
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": "Debtors EUR",
				"parent_account": parent,
				"company": company_name,
				"account_type": "Receivable",
				"account_currency": "EUR",
			}
		).insert(ignore_permissions=True)
	return name


def eur_customer() -> str:
	"""A customer billed in EUR by the USD company (foreign-currency receivable)."""
	name = customer(default_currency="EUR")
	doc = frappe.get_doc("Customer", name)
	doc.append("accounts", {"company": company(), "account": eur_debtors(company())})
	doc.save(ignore_permissions=True)
	return name


def invoice_in(company_name: str, cust: str, rate: float, posting_date=None, due_days=30, currency=None):
	"""A submitted invoice of any company, in the customer's billing currency."""
	posting_date = getdate(posting_date or nowdate())
	values = {
		"doctype": "Sales Invoice",
		"company": company_name,
		"customer": cust,
		"posting_date": posting_date,
		"set_posting_time": 1,
		"due_date": add_days(posting_date, due_days),
		"cost_center": frappe.get_cached_value("Company", company_name, "cost_center"),
		"items": [
			{
				"item_code": ITEM,
				"qty": 1,
				"rate": rate,
				"income_account": frappe.get_cached_value("Company", company_name, "default_income_account"),
				"cost_center": frappe.get_cached_value("Company", company_name, "cost_center"),
			}
		],
	}
	values["currency"] = currency or frappe.get_cached_value("Company", company_name, "default_currency")
	doc = frappe.get_doc(values)
	doc.insert(ignore_permissions=True)
	doc.submit()
	_settle()
	return doc
