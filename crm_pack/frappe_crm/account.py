"""The customer's account as crm_pack knows it, for Frappe CRM's Organization and Deal.

Read at the moment the panel opens, from what the ledger refresh keeps current in the same
transaction as every invoice, payment and order (CRM Customer and its CRM Customer Company
Balance rows, equal to Accounts Receivable per company: ledger/), and from the open
complaints and disputes (Customer Interaction). No figure is computed or copied here. Each
company's row shows only to a reader who may see that company's books
(ledger.customer_ledger.may_see_company); the reader's right to the customer is checked by
the caller (api/frappe_crm.py)."""

import frappe
from frappe import _
from frappe.utils import escape_html, fmt_money, format_date
from markupsafe import Markup

from crm_pack.credit_control import reads
from crm_pack.ledger.customer_ledger import may_see_company
from crm_pack.utils.html import escape_once

FIELDS = (
	"name",
	"customer_name",
	"currency",
	"collection_level",
	"orders_stopped",
	"open_promise_amount",
	"open_promise_date",
	"disputed_amount",
	"late_order_count",
	"late_order_amount",
	"abc_tier",
	"churn_risk_level",
	"clv_total",
	"last_order_date",
	"last_invoice_date",
	"ledger_updated_on",
)
TEMPLATE = "crm_pack/templates/frappe_crm_account.html"


def read(customer: str) -> dict:
	account = frappe.db.get_value("CRM Customer", customer, FIELDS, as_dict=True)
	if not account:
		return {}
	rows = frappe.get_all(
		"CRM Customer Company Balance",
		filters={"parent": customer, "parenttype": "CRM Customer"},
		fields=["company", "currency", "outstanding_amount", "overdue_amount"],
		order_by="company",
	)
	account.companies = [r for r in rows if may_see_company(r.company)]
	account.open_complaints = (
		frappe.db.count(
			"Customer Interaction",
			{"customer": customer, "interaction_type": "Complaint", "status": ("not in", reads.CLOSED)},
		)
		if frappe.has_permission("Customer Interaction", "read")
		else None
	)
	account.open_disputes = len(reads.open_disputes([customer]).get(customer) or [])
	account.url = frappe.utils.get_absolute_url("CRM Customer", customer)  # /app on v15, /desk on v16
	return account


def _text(value) -> Markup:
	return Markup(escape_once(value) if value not in (None, "") else "–")


def render(account: dict) -> str:
	currency = account.get("currency")

	def money(value, in_currency=None):
		return Markup(escape_html(fmt_money(value or 0, currency=in_currency or currency)))

	def date(value):
		return _text(format_date(value) if value else None)

	level = int(account.get("collection_level") or 0)
	promise = (
		Markup("{0} · {1}").format(money(account.open_promise_amount), date(account.open_promise_date))
		if account.get("open_promise_amount")
		else _text(None)
	)
	disputes = int(account.get("open_disputes") or 0)
	rows = [
		("follow_up_level", _("Follow-up Level"), _text(str(level) if level else _("None")), level > 0),
		(
			"orders",
			_("New Sales Orders"),
			_text(_("Stopped") if account.get("orders_stopped") else _("Allowed")),
			bool(account.get("orders_stopped")),
		),
		("open_promise", _("Open Promise"), promise, False),
		(
			"open_disputes",
			_("Open Disputes"),
			Markup("{0} · {1}").format(disputes, money(account.disputed_amount)) if disputes else _text("0"),
			disputes > 0,
		),
		(
			"open_complaints",
			_("Open Complaints"),
			_text(account.open_complaints if account.get("open_complaints") is not None else None),
			bool(account.get("open_complaints")),
		),
		("late_orders", _("Late Orders"), _text(str(int(account.get("late_order_count") or 0))), False),
		("abc_tier", _("Tier"), _text(account.get("abc_tier")), False),
		(
			"churn_risk",
			_("Churn Risk"),
			_text(_(account.churn_risk_level) if account.get("churn_risk_level") else None),
			account.get("churn_risk_level") == "High",
		),
		("lifetime_value", _("Lifetime Value"), money(account.get("clv_total")), False),
		("last_order", _("Last Order"), date(account.get("last_order_date")), False),
		("last_invoice", _("Last Invoice"), date(account.get("last_invoice_date")), False),
	]
	companies = [
		(
			_text(r.company),
			money(r.outstanding_amount, r.currency),
			money(r.overdue_amount, r.currency),
			float(r.overdue_amount or 0) > 0,
			r.company,
		)
		for r in account.get("companies") or []
	]
	return frappe.render_template(
		TEMPLATE,
		{
			"account": account,
			"rows": rows,
			"companies": companies,
			"documents": _documents(account.get("documents"), money),
			"text": _text,
		},
	)


def _documents(documents: dict | None, money) -> list[tuple]:
	"""The deal's quotations and the orders made from them (frappe_crm/deal_documents.py):
	(key, label, name, url, status, amount, progress)."""
	if not documents:
		return []
	rows = [
		("quotation", _("Quotation"), q.name, q.url, _(q.status), money(q.grand_total, q.currency), None)
		for q in documents["quotations"]
	]
	rows += [
		(
			"sales_order",
			_("Sales Order"),
			o.name,
			o.url,
			_(o.status),
			money(o.grand_total, o.currency),
			_("{0}% delivered, {1}% billed").format(int(o.per_delivered or 0), int(o.per_billed or 0)),
		)
		for o in documents["orders"]
	]
	return rows


def not_shared() -> str:
	return frappe.render_template(TEMPLATE, {"not_shared": True})
