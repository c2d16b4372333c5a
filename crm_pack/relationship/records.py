"""Keeps exactly one CRM Customer per ERPNext Customer, named after it."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime
from pypika.terms import ExistsCriterion, ValueWrapper

from crm_pack.ledger.currencies import home_currency


def ensure_for_customers(customers: list[str] | None = None) -> int:
	"""Create the missing CRM Customers in one INSERT ... SELECT; returns how many were created.

	Existing customers with submitted orders or invoices start as Active, others as New;
	the Customer's account manager becomes the relationship owner."""
	cust = frappe.qb.DocType("Customer")
	crm = frappe.qb.DocType("CRM Customer")
	so = frappe.qb.DocType("Sales Order")
	si = frappe.qb.DocType("Sales Invoice")

	has_business = ExistsCriterion(
		frappe.qb.from_(si).select(si.name).where((si.customer == cust.name) & (si.docstatus == 1))
	) | ExistsCriterion(
		frappe.qb.from_(so).select(so.name).where((so.customer == cust.name) & (so.docstatus == 1))
	)
	has_record = ExistsCriterion(frappe.qb.from_(crm).select(crm.name).where(crm.name == cust.name))

	now = now_datetime()
	user = frappe.session.user or "Administrator"
	query = (
		frappe.qb.into(crm)
		.columns(
			"name",
			"customer",
			"customer_name",
			"customer_group",
			"territory",
			"relationship_owner",
			"lifecycle_stage",
			"currency",
			"creation",
			"modified",
			"owner",
			"modified_by",
		)
		.from_(cust)
		.select(
			cust.name,
			cust.name,
			cust.customer_name,
			cust.customer_group,
			cust.territory,
			cust.account_manager,
			Case().when(has_business, "Active").else_("New"),
			ValueWrapper(home_currency()),
			ValueWrapper(now),
			ValueWrapper(now),
			ValueWrapper(user),
			ValueWrapper(user),
		)
		.where(has_record.negate())
	)
	if customers is not None:
		if not customers:
			return 0
		query = query.where(cust.name.isin(customers))

	before = frappe.qb.from_(crm).select(Count("*")).run()[0][0]
	query.run()
	return frappe.qb.from_(crm).select(Count("*")).run()[0][0] - before


def create_for_customer(customer) -> None:
	"""A new Customer gets its CRM record at once, as a normal document (so it has history)."""
	if frappe.db.exists("CRM Customer", customer.name):
		return
	frappe.get_doc(
		{
			"doctype": "CRM Customer",
			"customer": customer.name,
			"relationship_owner": customer.get("account_manager"),
			"lifecycle_stage": "New",
			"currency": home_currency(),
		}
	).insert(ignore_permissions=True)


def sync_master_fields(customer) -> None:
	"""Name, group and territory belong to the Customer: mirror them when they change,
	including to or from empty (SQL's `!=` is never true against NULL)."""
	crm = frappe.qb.DocType("CRM Customer")
	values = {
		"customer_name": customer.customer_name,
		"customer_group": customer.customer_group or None,
		"territory": customer.territory or None,
	}
	differs = None
	for field, value in values.items():
		column = crm[field]
		changed = column.isnotnull() if value is None else (column.isnull() | (column != value))
		differs = changed if differs is None else differs | changed
	query = frappe.qb.update(crm)
	for field, value in values.items():
		query = query.set(crm[field], value)
	query.where(crm.name == customer.name).where(differs).run()


def follow_rename(old: str, new: str, merge: bool) -> None:
	"""Runs after ERPNext renamed (or merged) a Customer and rewrote its links.

	Merging moves the old record's interactions and projects onto the surviving one."""
	if not frappe.db.exists("CRM Customer", old):
		if not frappe.db.exists("CRM Customer", new):
			ensure_for_customers([new])
		return
	from frappe.model.rename_doc import rename_doc

	# The user already had permission to rename the Customer; its CRM record simply follows.
	# Merging deletes the old CRM record while the old Customer still exists (ERPNext deletes
	# it last), so the guard in CRMCustomer.on_trash is told this deletion is ours.
	frappe.flags.crm_pack_deleting_customer = old
	try:
		rename_doc(
			"CRM Customer",
			old,
			new,
			merge=merge and bool(frappe.db.exists("CRM Customer", new)),
			force=True,
			ignore_permissions=True,
			show_alert=False,
			rebuild_search=False,
		)
	finally:
		frappe.flags.crm_pack_deleting_customer = None
	frappe.db.set_value("CRM Customer", new, "customer", new, update_modified=False)
	sync_master_fields(frappe.get_doc("Customer", new))


def delete_with_customer(customer: str) -> None:
	"""The CRM record goes with its Customer; history that refers to it stops the deletion."""
	if not frappe.db.exists("CRM Customer", customer):
		return
	held = {
		doctype: frappe.db.count(doctype, {"customer": customer})
		for doctype in ("Customer Interaction", "Implementation Project")
	}
	if any(held.values()):
		frappe.throw(
			_(
				"Customer {0} has {1} CRM interactions and {2} implementation projects. "
				"Merge it into another customer (Rename with Merge) or delete those records first."
			).format(frappe.bold(customer), held["Customer Interaction"], held["Implementation Project"]),
			frappe.LinkExistsError,
			title=_("Customer has CRM history"),
		)
	crm = frappe.qb.DocType("CRM Customer")
	frappe.qb.update(crm).set(crm.referred_by, None).where(crm.referred_by == customer).run()
	frappe.flags.crm_pack_deleting_customer = customer
	try:
		frappe.delete_doc("CRM Customer", customer, ignore_permissions=True, force=True)
	finally:
		frappe.flags.crm_pack_deleting_customer = None
