"""Customers' contact details as ERPNext links them (Contact → Dynamic Link → Customer),
read once for everyone or for a few customers."""

import frappe


def contacts_by_customer(customers: list[str] | None = None) -> dict[str, list]:
	"""customer -> its contacts, each with email_id, phone and mobile_no (one joined read)."""
	link = frappe.qb.DocType("Dynamic Link")
	contact = frappe.qb.DocType("Contact")
	query = (
		frappe.qb.from_(link)
		.join(contact)
		.on(contact.name == link.parent)
		.select(link.link_name.as_("customer"), contact.email_id, contact.phone, contact.mobile_no)
		.where((link.parenttype == "Contact") & (link.link_doctype == "Customer"))
	)
	if customers:
		query = query.where(link.link_name.isin(customers))
	found: dict[str, list] = {}
	for row in query.run(as_dict=True):
		found.setdefault(row.customer, []).append(row)
	return found
