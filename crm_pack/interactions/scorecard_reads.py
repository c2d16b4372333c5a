"""Reads for the Staff Scorecard: interactions in a period (as the user may see them) and
the quotations/orders of the same customers that could have followed them."""

import datetime as dt

import frappe
from frappe.utils import add_days, cint, get_datetime, getdate

from crm_pack.interactions.rules.scorecard import InteractionRow, SalesDocument

SLA_FIELDS = ("service_level_agreement_creation", "first_responded_on", "agreement_status")


def attribution_days() -> int:
	return cint(frappe.db.get_single_value("CRM Pack Settings", "scorecard_attribution_days")) or 30


def interactions(from_date: dt.date, to_date: dt.date, user: str | None) -> list[InteractionRow]:
	filters = {
		"interaction_datetime": ("between", (f"{from_date} 00:00:00", f"{to_date} 23:59:59.999999")),
		"handled_by": ("is", "set"),
	}
	if user:
		filters["handled_by"] = user
	rows = frappe.get_list(
		"Customer Interaction",
		filters=filters,
		fields=[
			"name",
			"handled_by",
			"customer",
			"interaction_datetime",
			"interaction_type",
			"status",
			"follow_up_date",
			"follow_up_done",
			"follow_up_done_on",
			"complaint_cost",
			*SLA_FIELDS,
		],
		limit_page_length=0,
	)
	return [
		InteractionRow(
			name=r.name,
			user=r.handled_by,
			customer=r.customer,
			when=get_datetime(r.interaction_datetime),
			interaction_type=r.interaction_type,
			status=r.status,
			clock_start=get_datetime(r.get("service_level_agreement_creation"))
			if r.get("service_level_agreement_creation")
			else None,
			first_responded_on=get_datetime(r.get("first_responded_on"))
			if r.get("first_responded_on")
			else None,
			agreement_status=r.get("agreement_status"),
			follow_up_date=getdate(r.follow_up_date) if r.follow_up_date else None,
			follow_up_done=bool(r.follow_up_done),
			follow_up_done_on=getdate(r.follow_up_done_on) if r.follow_up_done_on else None,
			complaint_cost=float(r.complaint_cost or 0),
		)
		for r in rows
	]


def following_documents(
	customers: set[str], from_date: dt.date, to_date: dt.date, days: int
) -> tuple[list[SalesDocument], list[str]]:
	"""Submitted quotations and sales orders of these customers dated in the period plus the
	window. Doctypes the user may not read are left out and named in the second value."""
	documents, hidden = [], []
	if not customers:
		return documents, hidden
	until = add_days(to_date, days)
	for doctype, party in (("Quotation", "party_name"), ("Sales Order", "customer")):
		if not frappe.has_permission(doctype, "read"):
			hidden.append(doctype)
			continue
		filters = {
			"docstatus": 1,
			party: ("in", sorted(customers)),
			"transaction_date": ("between", (from_date, until)),
		}
		if doctype == "Quotation":
			filters["quotation_to"] = "Customer"
		for r in frappe.get_list(
			doctype,
			filters=filters,
			fields=["name", f"{party} as customer", "transaction_date", "base_net_total"],
			limit_page_length=0,
		):
			documents.append(
				SalesDocument(
					doctype, r.name, r.customer, getdate(r.transaction_date), float(r.base_net_total or 0)
				)
			)
	return documents, hidden
