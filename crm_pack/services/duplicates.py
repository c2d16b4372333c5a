"""Reads for the duplicate finder (customers, their contacts' emails and phones) and the
merge, which is ERPNext's own Customer merge: every order, invoice and ledger entry
follows it, and crm_pack's after_rename hook merges the CRM records and figures."""

import frappe
from frappe import _

from crm_pack.relationship.duplicates import CustomerFacts, find_duplicates
from crm_pack.services.contacts import contacts_by_customer


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


def merge(keep: str, duplicate: str) -> str:
	"""Merge `duplicate` into `keep` with ERPNext's Customer merge (rename with merge)."""
	if keep == duplicate:
		frappe.throw(_("Choose two different customers to merge."))
	for name in (keep, duplicate):
		if not frappe.db.exists("Customer", name):
			frappe.throw(_("Customer {0} does not exist.").format(name), frappe.DoesNotExistError)
	frappe.has_permission("Customer", "write", keep, throw=True)
	frappe.has_permission("Customer", "delete", duplicate, throw=True)
	return frappe.rename_doc("Customer", duplicate, keep, merge=True)
