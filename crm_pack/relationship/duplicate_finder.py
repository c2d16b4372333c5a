"""Reads for the duplicate finder: customers with their contacts' emails and phones,
handed to the pure matching rules (rules/matching.py)."""

import frappe

from crm_pack.relationship.contacts import contacts_by_customer
from crm_pack.relationship.rules.matching import CustomerFacts, find_duplicates


def customer_facts() -> list[CustomerFacts]:
	customer = frappe.qb.DocType("Customer")
	rows = (
		frappe.qb.from_(customer)
		.select(customer.name, customer.customer_name, customer.tax_id)
		.where(customer.disabled == 0)
		.run(as_dict=True)
	)
	contacts = contacts_by_customer()

	def details(name):
		mine = contacts.get(name, ())
		emails = frozenset(c.email_id for c in mine if c.email_id)
		phones = frozenset(number for c in mine for number in (c.phone, c.mobile_no) if number)
		return emails, phones

	return [CustomerFacts(r.name, r.customer_name or r.name, r.tax_id, *details(r.name)) for r in rows]


def candidates(threshold: float = 90.0):
	return find_duplicates(customer_facts(), name_threshold=threshold)
