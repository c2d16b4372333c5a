"""Site-level values crm_pack reads often."""

import frappe


def home_currency() -> str | None:
	"""The currency CRM Customer headline figures are shown in: the default company's."""
	company = frappe.db.get_single_value("Global Defaults", "default_company")
	if company:
		return frappe.get_cached_value("Company", company, "default_currency")
	return frappe.db.get_single_value("Global Defaults", "default_currency")


def company_currencies() -> dict[str, str]:
	company = frappe.qb.DocType("Company")
	return dict(frappe.qb.from_(company).select(company.name, company.default_currency).run())
