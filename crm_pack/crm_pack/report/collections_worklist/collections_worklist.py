"""Collections Worklist: the collector's list of customers to chase, one row per customer
and company with an overdue amount, largest first (credit_control/worklist.py reads it
and says who may see which row)."""

import frappe
from frappe import _

from crm_pack.credit_control import worklist
from crm_pack.utils.report_columns import column


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	data = worklist.rows(filters)
	message = _backtest_line() if data else _empty_message(filters)
	return _columns(), data, message, None, _summary(data)


def _empty_message(filters) -> str:
	why = _(
		"Nobody to chase: no customer you may see has an invoice past its due date. "
		"Rows appear here from the ledger, one per customer and company whose Accounts Receivable "
		"shows an overdue amount, with its follow-up level, promises, disputes and complaints."
	)
	if frappe.utils.cint(filters.get("my_customers")):
		why += " " + _(
			"Only your customers are shown (you collect or own them): untick My Customers to see all."
		)
	return f"<p class='text-muted'>{frappe.utils.escape_html(why)}</p>"


def _backtest_line() -> str | None:
	"""What the payment-reliability backtest says on this site, when it has enough history."""
	from crm_pack.analytics.backtest import PAYMENT, headline

	text = headline(PAYMENT)
	return f"<p class='text-muted'>{frappe.utils.escape_html(text)}</p>" if text else None


def _summary(data: list[dict]) -> list[dict]:
	if not data:
		return []
	customers = len({r["customer"] for r in data})
	summary = [{"label": _("Customers to Chase"), "value": customers, "datatype": "Int", "indicator": "Red"}]
	for company, total in sorted(worklist.per_company(data).items()):
		currency = frappe.get_cached_value("Company", company, "default_currency")
		summary.append(
			{
				"label": _("Overdue in {0}").format(company),
				"value": total,
				"datatype": "Currency",
				"currency": currency,
				"indicator": "Orange",
			}
		)
	unassigned = worklist.unassigned_steps(sorted({r["customer"] for r in data}))
	if unassigned:
		summary.append(
			{
				"label": _("Calls and letters nobody is assigned"),
				"value": unassigned,
				"datatype": "Int",
				"indicator": "Red",
			}
		)
	return summary


def _columns() -> list[dict]:
	# what the collector acts on first, so it fits a phone's width (390 px): who, the
	# button, how much and what to do; the rest scrolls in after
	return [
		column(_("Customer"), "customer", "Link", "CRM Customer", 150),
		column(_("Log Call"), "log_call", width=90),
		column(_("Overdue"), "overdue_amount", "Currency", "currency", 120),
		column(_("Days Overdue"), "days_overdue", "Int", width=90),
		column(_("Next Action"), "next_action", width=260),
		column(_("Company"), "company", "Link", "Company", 140),
		column(_("Follow-up Level"), "collection_level", "Int", width=90),
		column(_("Oldest Due Date"), "oldest_due_date", "Date", width=110),
		column(_("Last Contact"), "last_contact", "Datetime", width=150),
		column(_("Open Promise"), "open_promise_amount", "Currency", "customer_currency", 110),
		column(_("Promised For"), "open_promise_date", "Date", width=100),
		column(_("Disputed"), "disputed_amount", "Currency", "customer_currency", 110),
		column(_("Open Complaints"), "open_complaints", "Int", width=90),
		column(_("Late Orders"), "late_order_count", "Int", width=80),
		column(_("Late Orders Value"), "late_order_amount", "Currency", "currency", 120),
		column(_("Owner"), "relationship_owner", "Link", "User", 140),
		column(_("Collector"), "collector", "Link", "User", 140),
		column(_("Customer Name"), "customer_name", width=160),
		column(_("Currency"), "currency", "Link", "Currency", 70),
		column(_("Customer Currency"), "customer_currency", "Link", "Currency", 70),
	]
