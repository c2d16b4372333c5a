"""Whatever mix of companies and currencies bills a customer, each company's figures equal
that company's Accounts Receivable and Customer Ledger Summary, and the headline is never
a silent zero."""

import frappe
import pytest
from frappe.utils import flt, nowdate

from tests.integration import books, factories


@pytest.fixture(scope="module", autouse=True)
def second_company(frappe_site):
	name = factories.eu_company()
	factories.eur_debtors(factories.company())
	frappe.db.commit()
	return name


def per_company_matches(cust, companies):
	stored = {
		c: {k: v for k, v in r.items() if k not in ("company", "currency")}
		for c, r in books.company_rows(cust).items()
	}
	expected = books.expected_per_company(cust, companies)
	for company in set(stored) | set(expected):
		zero = dict.fromkeys(("outstanding_amount", "overdue_amount", "total_billed", "total_paid"), 0.0)
		assert stored.get(company, zero) == expected.get(company, zero), company


def test_a_customer_billed_only_by_the_eur_company_shows_eur_figures():
	cust = factories.customer()
	factories.invoice_in(factories.EU_COMPANY, cust, 900)
	crm = frappe.db.get_value(
		"CRM Customer",
		cust,
		["currency", "outstanding_amount", "total_billed", "headline_basis"],
		as_dict=True,
	)
	assert (crm.currency, crm.outstanding_amount, crm.total_billed) == ("EUR", 900, 900)
	assert crm.headline_basis == "One Currency"
	rows = books.company_rows(cust)
	assert rows[factories.EU_COMPANY]["currency"] == "EUR"
	per_company_matches(cust, [factories.EU_COMPANY])


def test_a_customer_of_both_companies_is_converted_at_the_exchange_rate():
	cust = factories.customer()
	factories.sales_invoice(cust, 100)
	factories.invoice_in(factories.EU_COMPANY, cust, 1000)
	crm = frappe.db.get_value(
		"CRM Customer",
		cust,
		["currency", "outstanding_amount", "total_billed", "headline_basis"],
		as_dict=True,
	)
	assert (crm.currency, crm.headline_basis) == ("USD", "Converted")
	assert crm.outstanding_amount == pytest.approx(100 + 1000 * factories.EUR_RATE)
	assert crm.total_billed == pytest.approx(100 + 1000 * factories.EUR_RATE)
	per_company_matches(cust, [factories.company(), factories.EU_COMPANY])


def test_a_customer_billed_in_eur_by_the_usd_company_matches_its_books():
	cust = factories.eur_customer()
	invoice = factories.invoice_in(factories.company(), cust, 500, currency="EUR")
	assert invoice.debit_to == factories.eur_debtors(factories.company())
	base = flt(invoice.base_grand_total, 2)
	assert books.stored(cust)["outstanding_amount"] == base  # in the company's currency, as AR shows it
	assert books.stored(cust) == books.expected(cust, factories.company())

	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	pe = get_payment_entry("Sales Invoice", invoice.name, party_amount=200)
	pe.reference_no, pe.reference_date = "CRM-EUR", nowdate()
	pe.insert()
	pe.submit()
	books.settle()
	assert books.stored(cust) == books.expected(cust, factories.company())


def test_exchange_rate_revaluation_moves_the_figures_with_the_books():
	cust = factories.eur_customer()
	company = factories.company()
	factories.invoice_in(company, cust, 100, currency="EUR")
	err = frappe.new_doc("Exchange Rate Revaluation")
	err.company = company
	err.posting_date = nowdate()
	err.extend("accounts", [a for a in err.get_accounts_data() if a.get("party") == cust])
	assert err.accounts
	row = err.accounts[0]
	row.new_exchange_rate = 1.3
	row.new_balance_in_base_currency = flt(row.new_exchange_rate * flt(row.balance_in_account_currency))
	row.gain_loss = row.new_balance_in_base_currency - flt(row.balance_in_base_currency)
	err.set_total_gain_loss()
	err.save().submit()
	journals = err.make_jv_entries()
	je = frappe.get_doc("Journal Entry", journals.get("revaluation_jv"))
	je.submit()
	books.settle()
	assert books.stored(cust) == books.expected(cust, company)


def test_analytics_count_the_eur_company_converted():
	"""A customer billed only in EUR is not a zero-value C customer in the analytics."""
	from crm_pack.analytics import basis, history

	cust = factories.customer()
	factories.invoice_in(factories.EU_COMPANY, cust, 900)
	assert factories.EU_COMPANY in history.companies()
	everyone = frappe.get_all("CRM Customer", pluck="name")
	computed = dict(basis.compute([cust], frappe.utils.getdate(), everyone, {}, {}, basis.basis_key()))
	assert computed[cust]["net_revenue"] == pytest.approx(900 * factories.EUR_RATE)


def test_complaint_cost_of_a_eur_credit_note_is_converted():
	cust = factories.customer()
	invoice = factories.invoice_in(factories.EU_COMPANY, cust, 400)
	credit = factories.credit_note(invoice)
	doc = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"subject": "Damaged goods",
			"channel": "Phone",
			"interaction_type": "Complaint",
			"costs": [{"document_type": "Sales Invoice", "document": credit.name}],
		}
	).insert()
	assert doc.complaint_cost == pytest.approx(400 * factories.EUR_RATE)
