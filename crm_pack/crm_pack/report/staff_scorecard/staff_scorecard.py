"""Staff Scorecard: per person and period, computed from interaction records and the
quotations/orders that followed them. A CRM User sees their own card; managers see all."""

import frappe
from frappe import _
from frappe.utils import add_months, formatdate, getdate, nowdate

from crm_pack import permissions
from crm_pack.interactions import scorecard_reads as reads
from crm_pack.interactions.rules.scorecard import build_scorecards
from crm_pack.utils.report_columns import column


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	from_date = getdate(filters.from_date or add_months(nowdate(), -1))
	to_date = getdate(filters.to_date or nowdate())
	if from_date > to_date:
		frappe.throw(
			_("From Date {0} is after To Date {1}.").format(formatdate(from_date), formatdate(to_date))
		)
	user = filters.user
	if permissions.is_restricted("Customer Interaction"):
		user = frappe.session.user  # a CRM User's scorecard is their own
	days = reads.attribution_days()
	rows = reads.interactions(from_date, to_date, user)
	documents, hidden = reads.following_documents({r.customer for r in rows}, from_date, to_date, days)
	cards = build_scorecards(rows, documents, attribution_days=days, today=getdate(nowdate()))
	data = [
		{
			"user": c.user,
			"handled": c.handled,
			"median_first_response_hours": c.median_first_response_hours,
			"sla_met_percent": c.sla_met_percent,
			"complaints": c.complaints,
			"complaints_resolved": c.complaints_resolved,
			"complaint_cost": c.complaint_cost,
			"follow_ups_on_time": c.follow_ups_on_time,
			"follow_ups_late": c.follow_ups_late,
			"follow_ups_overdue": c.follow_ups_overdue,
			"quotations": len(c.quotations),
			"quotation_value": c.quotation_value,
			"orders": len(c.orders),
			"order_value": c.order_value,
		}
		for c in cards
	]
	message = None
	if hidden:
		message = _("Not shown, as you may not read them: {0}.").format(", ".join(_(d) for d in hidden))
	return columns(days), data, message, chart(cards)


def columns(days: int) -> list[dict]:
	return [
		column(_("User"), "user", "Link", "User", 180),
		column(_("Interactions"), "handled", "Int", width=100),
		{
			**column(_("Median First Response (h)"), "median_first_response_hours", "Float", width=120),
			"precision": 1,
		},
		column(_("Service Level Met %"), "sla_met_percent", "Percent", width=110),
		column(_("Complaints"), "complaints", "Int", width=90),
		column(_("Complaints Resolved"), "complaints_resolved", "Int", width=110),
		column(_("Complaint Cost"), "complaint_cost", "Currency", width=110),
		column(_("Follow-ups On Time"), "follow_ups_on_time", "Int", width=110),
		column(_("Follow-ups Late"), "follow_ups_late", "Int", width=100),
		column(_("Follow-ups Overdue"), "follow_ups_overdue", "Int", width=110),
		column(_("Quotations within {0} days").format(days), "quotations", "Int", width=120),
		column(_("Quotation Value"), "quotation_value", "Currency", width=120),
		column(_("Orders within {0} days").format(days), "orders", "Int", width=110),
		column(_("Order Value"), "order_value", "Currency", width=120),
	]


def chart(cards) -> dict | None:
	if not cards:
		return None
	return {
		"data": {
			"labels": [c.user for c in cards],
			"datasets": [
				# short names: frappe's chart gives each legend entry a fixed width
				{"name": _("Interactions"), "values": [c.handled for c in cards]},
				{"name": _("On Time"), "values": [c.follow_ups_on_time for c in cards]},
				{"name": _("Overdue"), "values": [c.follow_ups_overdue for c in cards]},
				{"name": _("Resolved"), "values": [c.complaints_resolved for c in cards]},
			],
		},
		"type": "bar",
	}
