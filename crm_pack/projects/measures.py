"""What an Implementation Project measures on the site itself: control totals after
data migration and adoption by trained users."""

import datetime as dt

import frappe
from frappe.query_builder.functions import Count, Date, Sum
from frappe.utils import getdate, nowdate

MEASURES = {
	"Receivable of a Customer",
	"Opening Trial Balance (Debit)",
	"Number of Items",
	"Number of Customers",
}


def site_value(measure: str, reference: str | None, until=None) -> float | None:
	"""What the site holds now for one control total (None when it cannot be measured).
	Each read is bounded by an index: the customer's own ledger rows (party), or the
	company's postings up to the go-live (`until`), where opening entries live."""
	if measure == "Receivable of a Customer":
		if not reference:
			return None
		ple = frappe.qb.DocType("Payment Ledger Entry")
		total = (
			frappe.qb.from_(ple)
			.select(Sum(ple.amount))
			.where((ple.party_type == "Customer") & (ple.party == reference) & (ple.delinked == 0))
			.run()[0][0]
		)
		return round(float(total or 0), 2)
	if measure == "Opening Trial Balance (Debit)":
		company = reference or frappe.defaults.get_global_default("company")
		if not company:
			return None
		gle = frappe.qb.DocType("GL Entry")
		total = (
			frappe.qb.from_(gle)
			.select(Sum(gle.debit))
			# (posting_date, company) is indexed; opening entries are posted before go-live
			.where(gle.posting_date <= getdate(until or nowdate()))
			.where(gle.company == company)
			.where((gle.is_opening == "Yes") & (gle.is_cancelled == 0))
			.run()[0][0]
		)
		return round(float(total or 0), 2)
	if measure == "Number of Items":
		return float(frappe.db.count("Item"))
	if measure == "Number of Customers":
		return float(frappe.db.count("Customer"))
	return None


# Where the work of CRM and selling users shows up as new documents. Changes to any
# tracked document are counted from Version, which frappe writes on every change.
CREATED_DOCTYPES = (
	"Customer Interaction",
	"Customer",
	"Contact",
	"Quotation",
	"Sales Order",
	"Sales Invoice",
	"Payment Entry",
)
# ERPNext's CRM module, deprecated in v16 and removed in v17: counted while it exists
DEPRECATED_CRM_DOCTYPES = ("Lead", "Opportunity")


def created_doctypes() -> tuple[str, ...]:
	return CREATED_DOCTYPES + tuple(d for d in DEPRECATED_CRM_DOCTYPES if frappe.db.table_exists(d))


def documents_per_week(trainees: list[tuple[str, dt.date]], today: dt.date) -> dict[str, float]:
	"""Documents each trained user created or changed per week since their training,
	read from the site itself: one grouped query over Version and the created documents."""
	if not trainees:
		return {}
	since = {user: getdate(day) for user, day in trainees}
	union = None
	for doctype in ("Version", *created_doctypes()):
		table = frappe.qb.DocType(doctype)
		part = (
			frappe.qb.from_(table)
			.select(table.owner, Date(table.creation), Count("*"))
			.where(table.owner.isin(list(since)))
			# modified is indexed and never earlier than creation
			.where(table.modified >= min(since.values()))
			.where(table.creation >= min(since.values()))
			.groupby(table.owner, Date(table.creation))
		)
		union = part if union is None else union.union_all(part)
	counts = dict.fromkeys(since, 0)
	for owner, day, count in union.run():
		if getdate(day) >= since[owner]:
			counts[owner] += count
	return {user: round(counts[user] / max(1.0, (today - since[user]).days / 7), 2) for user in since}
