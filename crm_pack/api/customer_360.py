"""Customer 360: everything a person needs about one customer, in one call — ledger
figures, tier, lifetime value, churn risk, data quality, latest interactions and open
projects — as data and as escaped HTML (templates/customer_360.html) for the CRM Customer
and Customer forms."""

import frappe
from frappe import _
from frappe.utils import escape_html, fmt_money, format_date
from markupsafe import Markup

from crm_pack.utils import rendered_texts as texts
from crm_pack.utils.html import escape_once

PROFILE_FIELDS = (
	"name",
	"customer_name",
	"currency",
	"relationship_owner",
	"lifecycle_stage",
	"abc_tier",
	"outstanding_amount",
	"overdue_amount",
	"total_billed",
	"total_paid",
	"open_orders_amount",
	"last_order_date",
	"clv_total",
	"clv_projected",
	"churn_risk_level",
	"churn_risk_reason_codes",
	"share_of_wallet",
	"satisfaction_score",
	"data_quality_score",
	"data_quality_missing_codes",
	"is_stale",
	"notes",
	# payment behaviour and orders (credit_control)
	"dso_days",
	"avg_days_to_pay",
	"days_to_pay_trend",
	"payment_reliability",
	"promise_kept_rate",
	"credit_used_percent",
	"late_order_count",
	"late_order_amount",
	"order_count",
	"behaviour_updated_on",
)
LATEST = 5
TEMPLATE = "crm_pack/templates/customer_360.html"


@frappe.whitelist()
def for_customer_form(customer: str) -> dict | None:
	"""The 360 on ERPNext's Customer form, which asks on every open: a customer this user
	may not see in CRM (a sales rep's colleague's) keeps ERPNext's form as it is, with no
	"Not permitted" dialog; nothing is revealed either way."""
	if not frappe.has_permission("CRM Customer", "read"):
		frappe.throw(
			_("You are not permitted to read {0}.").format(_("CRM Customer")), frappe.PermissionError
		)
	if not frappe.db.exists("CRM Customer", customer) or not frappe.has_permission(
		"CRM Customer", "read", customer
	):
		return None
	return get_customer_360(customer)


@frappe.whitelist()
def get_customer_360(customer: str) -> dict:
	frappe.has_permission("CRM Customer", "read", customer, throw=True)
	profile = frappe.db.get_value("CRM Customer", customer, PROFILE_FIELDS, as_dict=True)
	if not profile:
		frappe.throw(_("Customer {0} has no CRM record.").format(customer), frappe.DoesNotExistError)
	# stored as codes; the reader's language renders them (crm_pack/texts.py)
	shown = texts.renderer()
	profile.churn_risk_reason = shown(profile.pop("churn_risk_reason_codes"))
	profile.data_quality_missing = shown(profile.pop("data_quality_missing_codes"), texts.list_separator())
	interactions = (
		frappe.get_list(
			"Customer Interaction",
			filters={"customer": customer},
			fields=["name", "interaction_datetime", "channel", "interaction_type", "subject", "status"],
			order_by="interaction_datetime desc",
			limit=LATEST,
		)
		if frappe.has_permission("Customer Interaction", "read")
		else []
	)
	projects = (
		frappe.get_list(
			"Implementation Project",
			filters={"customer": customer, "status": ("not in", ("Completed", "Cancelled"))},
			fields=["name", "project_name", "status", "current_phase", "health_score"],
			order_by="modified desc",
		)
		if frappe.has_permission("Implementation Project", "read")
		else []
	)
	for pr in projects:
		# seeded phase names are the method's English, a translation key; renamed ones show as typed
		pr.current_phase = _(pr.current_phase) if pr.current_phase else pr.current_phase
	from crm_pack.frappe_crm import deals

	# None where Frappe CRM is absent or the bridge is off: the section is left out
	data = {"profile": profile, "interactions": interactions, "projects": projects}
	data["deals"] = deals.for_customer(customer)
	return {**data, "html": render(data)}


def _text(value) -> Markup:
	"""Record text escaped exactly once, marked safe so the template does not escape it again."""
	return Markup(escape_once(value) if value not in (None, "") else "–")


def render(data: dict) -> str:
	p = data["profile"]

	def money(v):
		return Markup(escape_html(fmt_money(v or 0, currency=p.currency)))

	figures = [
		(_("Outstanding"), money(p.outstanding_amount)),
		(_("Overdue"), money(p.overdue_amount)),
		(_("Billed"), money(p.total_billed)),
		(_("Paid"), money(p.total_paid)),
		(_("Open Orders"), money(p.open_orders_amount)),
		(_("Tier"), _text(p.abc_tier)),
		(_("Lifetime Value"), money(p.clv_total)),
		(_("Churn Risk"), _text(_(p.churn_risk_level) if p.churn_risk_level else None)),
		(_("Data Quality"), _text(f"{p.data_quality_score or 0:.0f}%")),
	]
	return frappe.render_template(
		TEMPLATE,
		{
			**data,
			"figures": figures,
			"behaviour": _behaviour(p),
			"orders": _orders(p, money),
			"deal_summary": _deal_summary(data.get("deals")),
			"text": _text,
			"money_in": lambda v, c: Markup(escape_html(fmt_money(v or 0, currency=c or p.currency))),
			"format_date": format_date,
			"form_url": frappe.utils.get_absolute_url,  # /app on v15, /desk on v16
		},
	)


def _days(value) -> Markup:
	return _text(_("{0} days").format(f"{value:.1f}") if value else None)


def _behaviour(p) -> list[tuple]:
	"""Payment behaviour (credit_control/behaviour.py); "–" until the nightly run measured it."""
	trend = p.days_to_pay_trend or 0
	trend_text = (
		_("{0} days slower").format(f"{trend:.1f}")
		if trend > 0
		else _("{0} days faster").format(f"{-trend:.1f}")
		if trend < 0
		else None
	)
	return [
		(_("Days Sales Outstanding"), _days(p.dso_days)),
		(_("Average Days to Pay"), _days(p.avg_days_to_pay)),
		(_("Days to Pay Trend"), _text(trend_text)),
		(_("Payment Reliability"), _text(f"{p.payment_reliability:.0f}%" if p.payment_reliability else None)),
		(_("Promises Kept"), _text(f"{p.promise_kept_rate:.0f}%" if p.promise_kept_rate else None)),
		(_("Credit Limit Used"), _text(f"{p.credit_used_percent:.0f}%" if p.credit_used_percent else None)),
	]


def _orders(p, money) -> list[tuple]:
	return [
		(_("Orders"), _text(str(p.order_count or 0))),
		(_("Open Orders"), money(p.open_orders_amount)),
		(_("Late Orders"), _text(str(p.late_order_count or 0))),
		(_("Late Orders Value"), money(p.late_order_amount)),
	]


def _deal_summary(deals: dict | None) -> list[tuple] | None:
	"""Frappe CRM's deals for the customer (frappe_crm/deals.py): open pipeline, won, lost."""
	if not deals or not deals.get("permitted"):
		return None
	summary = deals["summary"]

	def values(by_currency: dict) -> Markup:
		shown = [escape_html(fmt_money(v, currency=c or None)) for c, v in sorted(by_currency.items())]
		return Markup(" + ".join(shown) if shown else escape_html(fmt_money(0)))

	return [
		(_("Open Deals"), _text(str(summary["open"]))),
		(_("Open Pipeline"), values(summary["open_value"])),
		(_("Won"), _text(str(summary["won"]))),
		(_("Lost"), _text(str(summary["lost"]))),
	]
