"""One identity: Frappe CRM Organization ↔ ERPNext Customer ↔ CRM Customer.

Nothing is copied. The CRM Customer is named after the ERPNext Customer (crm_pack's own
rule); the organization is anchored on it in `CRM Customer.frappe_crm_organization` (a
Data field: crm_pack installs and works without Frappe CRM). What Frappe CRM itself
writes when a deal is won is read as it is: `CRM Deal.erpnext_customer` and
`Customer.crm_deal` (Data custom fields of its ERPNext integration, present only once that
is enabled), and the deal's organization.

- A Customer made from a won deal (Customer.after_insert, crm_deal set) anchors the deal's
  organization on its CRM Customer, unless another customer already holds it.
- An organization resolves to the customer anchored on it; before anything is anchored,
  to the customer its deals name.
- A deal resolves through its organization first (a second deal of the same organization
  is the same customer), else through what Frappe CRM wrote on the deal or the Customer.
- `link_existing` anchors organizations that existed before the bridge (rules/identity.py
  decides; only where exactly one customer fits). An organization's rename moves the
  anchor with it; its deletion, or Frappe CRM's uninstall, clears it.
"""

from collections import defaultdict

import frappe
from frappe.query_builder import DocType

from crm_pack.frappe_crm import switch
from crm_pack.frappe_crm.rules.identity import match_organizations, name_key

FIELD = "frappe_crm_organization"


def _has_field(doctype: str, fieldname: str) -> bool:
	return frappe.get_meta(doctype).has_field(fieldname)


def customer_of_organization(organization: str | None) -> str | None:
	if not organization:
		return None
	customer = frappe.db.get_value("CRM Customer", {FIELD: organization}, "name")
	if customer:
		return customer
	named = _deal_customers([organization]).get(organization) or set()
	named = [c for c in named if frappe.db.exists("CRM Customer", c)]
	return sorted(named)[0] if len(named) == 1 else None


def customer_of_deal(deal: str) -> str | None:
	fields = ["organization"] + (["erpnext_customer"] if _has_field("CRM Deal", "erpnext_customer") else [])
	row = frappe.db.get_value("CRM Deal", deal, fields, as_dict=True)
	if not row:
		return None
	customer = customer_of_organization(row.organization)
	if not customer and row.get("erpnext_customer"):
		customer = row.erpnext_customer
	if not customer and _has_field("Customer", "crm_deal"):
		customer = frappe.db.get_value("Customer", {"crm_deal": deal}, "name")
	return customer if customer and frappe.db.exists("CRM Customer", customer) else None


def customer_of(doctype: str, name: str) -> str | None:
	if doctype == "CRM Organization":
		return customer_of_organization(name)
	return customer_of_deal(name)


def organization_of(customer: str) -> str | None:
	return frappe.db.get_value("CRM Customer", customer, FIELD) or None


def anchor(customer: str, organization: str) -> bool:
	"""Anchor the organization on the customer, unless another customer holds it already."""
	holder = frappe.db.get_value("CRM Customer", {FIELD: organization}, "name")
	if holder or not frappe.db.exists("CRM Customer", customer):
		return holder == customer
	frappe.db.set_value("CRM Customer", customer, FIELD, organization, update_modified=False)
	return True


def on_customer_insert(customer) -> None:
	"""Customer.after_insert (after its CRM Customer exists): a customer made from a won deal."""
	deal = customer.get("crm_deal")
	if not deal or not switch.active():
		return
	organization = frappe.db.get_value("CRM Deal", deal, "organization")
	if organization:
		anchor(customer.name, organization)


def organization_renamed(doc, method=None, old: str | None = None, new: str | None = None, merge=False):
	if not old or not new:
		return
	holder = frappe.db.get_value("CRM Customer", {FIELD: old}, "name")
	if holder and (not merge or not frappe.db.get_value("CRM Customer", {FIELD: new}, "name")):
		frappe.db.set_value("CRM Customer", holder, FIELD, new, update_modified=False)
	elif holder:
		frappe.db.set_value("CRM Customer", holder, FIELD, None, update_modified=False)


def organization_deleted(doc, method=None) -> None:
	CRM = DocType("CRM Customer")
	frappe.qb.update(CRM).set(CRM[FIELD], None).where(CRM[FIELD] == doc.name).run()


def forget_all() -> None:
	"""Frappe CRM uninstalled: no anchor points at an organization that is gone."""
	CRM = DocType("CRM Customer")
	frappe.qb.update(CRM).set(CRM[FIELD], None).where(CRM[FIELD].isnotnull()).run()


def _deal_customers(organizations: list[str]) -> dict[str, set[str]]:
	"""organization → the customers its deals name (CRM Deal.erpnext_customer, Customer.crm_deal)."""
	out: dict[str, set[str]] = defaultdict(set)
	if not organizations:
		return out
	DEAL = DocType("CRM Deal")
	if _has_field("CRM Deal", "erpnext_customer"):
		rows = (
			frappe.qb.from_(DEAL)
			.select(DEAL.organization, DEAL.erpnext_customer)
			.where(DEAL.organization.isin(organizations) & DEAL.erpnext_customer.isnotnull())
			.where(DEAL.erpnext_customer != "")
			.run()
		)
		for org, customer in rows:
			out[org].add(customer)
	if _has_field("Customer", "crm_deal"):
		CUSTOMER = DocType("Customer")
		rows = (
			frappe.qb.from_(CUSTOMER)
			.join(DEAL)
			.on(DEAL.name == CUSTOMER.crm_deal)
			.select(DEAL.organization, CUSTOMER.name)
			.where(DEAL.organization.isin(organizations))
			.run()
		)
		for org, customer in rows:
			out[org].add(customer)
	return out


def link_existing() -> dict:
	"""Anchor every organization not yet anchored where exactly one customer fits (the one
	its deals name, else the one of its name). Returns the counts and the organizations left
	for a person to decide."""
	CRM, ORG, CUSTOMER = DocType("CRM Customer"), DocType("CRM Organization"), DocType("Customer")
	anchored = frappe.qb.from_(CRM).select(CRM[FIELD], CRM.name).where(CRM[FIELD].isnotnull()).run()
	taken_orgs = {org for org, _ in anchored if org}
	linked_customers = {customer for org, customer in anchored if org}
	organizations = [o for o in frappe.qb.from_(ORG).select(ORG.name).run(pluck=True) if o not in taken_orgs]
	if not organizations:
		return {"linked": 0, "ambiguous": {}, "unmatched": 0}
	by_name: dict[str, list[str]] = defaultdict(list)
	keys = {name_key(o) for o in organizations}
	for name, customer_name in (
		frappe.qb.from_(CUSTOMER)
		.join(CRM)
		.on(CRM.name == CUSTOMER.name)
		.select(CUSTOMER.name, CUSTOMER.customer_name)
		.where(CUSTOMER.customer_name.isin(list({o.strip() for o in organizations})))
		.run()
	):
		if name_key(customer_name) in keys:
			by_name[name_key(customer_name)].append(name)
	named = _deal_customers(organizations)
	everyone = list({c for customers in named.values() for c in customers})
	known = (
		set(frappe.qb.from_(CRM).select(CRM.name).where(CRM.name.isin(everyone)).run(pluck=True))
		if everyone
		else set()
	)
	deal_customers = {org: customers & known for org, customers in named.items()}
	links, ambiguous = match_organizations(organizations, deal_customers, by_name, linked_customers)
	for org, customer in links.items():
		frappe.db.set_value("CRM Customer", customer, FIELD, org, update_modified=False)
	return {
		"linked": len(links),
		"ambiguous": ambiguous,
		"unmatched": len(organizations) - len(links) - len(ambiguous),
	}
