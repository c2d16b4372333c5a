"""Stop new orders: a customer whose follow-up reached a level with "Stop New Sales
Orders" cannot have a new Sales Order submitted until the overdue is cleared (released
at once by the payment, in its own transaction: credit_control/sequence.py) or the level
is left. An Accounts Manager can still submit one: the release is a credit decision and
ERPNext's Accounts Manager is the role that takes them (credit limits, too)."""

import frappe
from frappe import _
from frappe.utils import cint, fmt_money

RELEASING_ROLES = ("Accounts Manager", "System Manager")


def check_new_order(doc) -> None:
	"""Sales Order before_submit (overrides/sales_order.py): one indexed read."""
	state = frappe.db.get_value(
		"CRM Customer", doc.customer, ["orders_stopped", "collection_level"], as_dict=True
	)
	if not state or not cint(state.orders_stopped):
		return
	if set(RELEASING_ROLES) & set(frappe.get_roles()):
		return
	from crm_pack.credit_control.follow_up_run import level_rules

	level = next((lv for lv in level_rules() if lv.number == cint(state.collection_level)), None)
	balance = frappe.db.get_value(
		"CRM Customer Company Balance",
		{"parent": doc.customer, "parenttype": "CRM Customer", "company": doc.company},
		["overdue_amount", "currency"],
		as_dict=True,
	)
	overdue = fmt_money(balance.overdue_amount, currency=balance.currency) if balance else "0"
	frappe.throw(
		_(
			"New Sales Orders for {0} are stopped: the payment follow-up reached level {1} ({2}) with {3} "
			"overdue in {4}. They are released as soon as the overdue is paid; until then an Accounts "
			"Manager can submit this order."
		).format(
			frappe.bold(doc.customer_name or doc.customer),
			cint(state.collection_level),
			_(level.title) if level and level.title else _("Stop New Sales Orders"),
			overdue,
			doc.company,
		),
		title=_("New orders stopped"),
	)
