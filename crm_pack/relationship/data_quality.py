"""Stale flags and data-quality scores for every CRM Customer, from a handful of grouped
reads (no query per customer); only changed rows are written. Runs daily."""

import frappe
from frappe.query_builder.functions import Max
from frappe.utils import cint, getdate, now_datetime, nowdate

from crm_pack import texts
from crm_pack.relationship.contacts import contacts_by_customer
from crm_pack.relationship.rules.quality import is_stale, last_activity, quality

# what recompute writes on a CRM Customer
FIELDS = (
	"data_quality_score",
	"data_quality_missing_codes",
	"last_activity_date",
	"is_stale",
	"quality_updated_on",
)


def refresh_for_links(doc) -> None:
	"""A Contact or Address changed: the customers it is linked to (before and after the
	change) are scored again at once."""
	customers = {link.link_name for link in doc.get("links") or [] if link.link_doctype == "Customer"}
	before = doc.get_doc_before_save() if hasattr(doc, "get_doc_before_save") else None
	if before:
		customers |= {link.link_name for link in before.get("links") or [] if link.link_doctype == "Customer"}
	customers = sorted(c for c in customers if c)
	if customers:
		recompute(customers)


def _addressed(customers: list[str] | None) -> set[str]:
	"""Customers with at least one address."""
	link = frappe.qb.DocType("Dynamic Link")
	query = (
		frappe.qb.from_(link)
		.select(link.link_name)
		.distinct()
		.where((link.parenttype == "Address") & (link.link_doctype == "Customer"))
	)
	if customers:
		query = query.where(link.link_name.isin(customers))
	return {customer for (customer,) in query.run()}


def recompute(customers: list[str] | None = None) -> int:
	"""Returns how many CRM Customers changed."""
	after_days = cint(frappe.db.get_single_value("CRM Pack Settings", "stale_after_days")) or 180
	today = getdate(nowdate())
	crm = frappe.qb.DocType("CRM Customer")
	cust = frappe.qb.DocType("Customer")
	query = (
		frappe.qb.from_(crm)
		.join(cust)
		.on(cust.name == crm.customer)
		.select(
			crm.name,
			crm.relationship_owner,
			crm.last_order_date,
			crm.last_invoice_date,
			crm.creation,
			crm.data_quality_score,
			crm.data_quality_missing_codes,
			crm.is_stale,
			crm.last_activity_date,
			cust.tax_id,
		)
	)
	if customers:
		query = query.where(crm.name.isin(customers))
	records = query.run(as_dict=True)

	contacts = contacts_by_customer(customers)
	addresses = _addressed(customers)
	interaction = frappe.qb.DocType("Customer Interaction")
	seen_query = (
		frappe.qb.from_(interaction)
		.select(interaction.customer, Max(interaction.interaction_datetime))
		.groupby(interaction.customer)
	)
	if customers:
		seen_query = seen_query.where(interaction.customer.isin(customers))
	last_contact = dict(seen_query.run())

	updates = {}
	for r in records:
		facts = contacts.get(r.name, [])
		score, missing = quality(
			{
				"owner": bool(r.relationship_owner),
				"contact": bool(facts),
				"email": any(f.email_id for f in facts),
				"phone": any(f.phone or f.mobile_no for f in facts),
				"address": r.name in addresses,
				"tax_id": bool(r.tax_id),
			}
		)
		seen = last_contact.get(r.name)
		activity = last_activity(
			getdate(seen) if seen else None,
			getdate(r.last_order_date) if r.last_order_date else None,
			getdate(r.last_invoice_date) if r.last_invoice_date else None,
		)
		values = {
			"data_quality_score": score,
			# the English labels as codes: each reader sees them in their language
			"data_quality_missing_codes": texts.encode((label, ()) for label in missing),
			"last_activity_date": activity,
			"is_stale": int(is_stale(activity, getdate(r.creation), today, after_days)),
		}
		current = {
			"data_quality_score": float(r.data_quality_score or 0),
			"data_quality_missing_codes": r.data_quality_missing_codes or "",
			"last_activity_date": getdate(r.last_activity_date) if r.last_activity_date else None,
			"is_stale": cint(r.is_stale),
		}
		if values != current:
			updates[r.name] = {**values, "quality_updated_on": now_datetime()}
	if updates:
		frappe.db.bulk_update("CRM Customer", updates, chunk_size=500, update_modified=False)
	return len(updates)


RUN = "data_quality"
CHUNK_CUSTOMERS = 5000


def recompute_all_job() -> None:
	"""Scheduler (daily): staleness moves with the calendar. In chunks on the long queue
	(crm_pack/utils/chunked_jobs.py): every customer's score is its own, so there is no
	final step."""
	from crm_pack.utils import chunked_jobs

	names = frappe.get_all("CRM Customer", pluck="name", order_by="name")
	chunked_jobs.start(
		RUN, "crm_pack.relationship.data_quality.recompute_chunk", chunked_jobs.split(names, CHUNK_CUSTOMERS)
	)


def recompute_chunk(names: list[str]) -> None:
	recompute(names)
