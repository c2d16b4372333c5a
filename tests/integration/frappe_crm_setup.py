"""Frappe CRM (frappe/crm) on the test site, for the bridge's tests: its real doctypes and its
own ERPNext integration, nothing mocked. Tests that need it skip with one line where the
site does not have Frappe CRM installed (tests/run_tests.sh installs it where the bench has it)."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests.integration import factories

SKIP_REASON = "Frappe CRM not installed on this site: bridge tests not run"
SALES = "sales.only@crm-pack.test"  # Frappe CRM's Sales User, no crm_pack role
SALES_CRM = "crm.sales@crm-pack.test"  # Sales User and CRM User


def installed() -> bool:
	return "crm" in frappe.get_installed_apps()


def require() -> None:
	if not installed():
		pytest.skip(SKIP_REASON)


def enable_erpnext_link() -> None:
	"""Frappe CRM's own ERPNext CRM Settings: a deal moved to Won makes its Customer. Saving
	them adds Frappe CRM's custom fields (DDL, which commits), so this is done once and kept."""
	settings = frappe.get_single("ERPNext CRM Settings")
	wanted = {
		"enabled": 1,
		"is_erpnext_in_different_site": 0,
		"create_customer_on_status_change": 1,
		"deal_status": "Won",
		"erpnext_company": factories.company(),
	}
	if any(settings.get(k) != v for k, v in wanted.items()):
		settings.update(wanted)
		settings.save(ignore_permissions=True)
		frappe.db.commit()


def organization(name: str | None = None) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "CRM Organization",
				"organization_name": name or f"Bridge Org {frappe.generate_hash(length=8)}",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def deal(
	org: str | None, status: str = "Qualification", value: float = 1000, owner: str | None = None, **values
):
	return frappe.get_doc(
		{
			"doctype": "CRM Deal",
			"organization": org,
			"status": status,
			"deal_value": value,
			"currency": frappe.db.get_value("Company", factories.company(), "default_currency"),
			"deal_owner": owner,
			**values,
		}
	).insert(ignore_permissions=True)


def win(deal_doc) -> str:
	"""Move the deal to Won as a salesperson does; Frappe CRM makes the Customer."""
	deal_doc.reload()
	deal_doc.status = "Won"
	deal_doc.save(ignore_permissions=True)
	factories._settle()
	return frappe.db.get_value("CRM Deal", deal_doc.name, "erpnext_customer")


def order_from_deal(deal, customer):
	"""A quotation made from the deal (Frappe CRM's Quotation.crm_deal), submitted, and the
	Sales Order made from it, submitted."""
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	quotation = frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "Customer",
			"party_name": customer,
			"company": factories.company(),
			"crm_deal": deal.name,
			"items": [{"item_code": factories.ITEM, "qty": 1, "rate": 2500}],
		}
	).insert(ignore_permissions=True)
	quotation.submit()
	order = make_sales_order(quotation.name)
	order.delivery_date = add_days(nowdate(), 10)
	for item in order.items:
		item.delivery_date = order.delivery_date
	order.insert(ignore_permissions=True)
	order.submit()
	factories._settle()
	return order
