"""Site-level values crm_pack reads often, from frappe's caches (no query on the hot path)."""

import frappe


def home_currency() -> str | None:
	"""The currency CRM Customer headline figures are shown in: the default company's."""
	company = frappe.defaults.get_global_default("company")
	if company:
		return frappe.get_cached_value("Company", company, "default_currency")
	return frappe.defaults.get_global_default("currency")


def company_currencies(companies) -> dict[str, str]:
	return {c: frappe.get_cached_value("Company", c, "default_currency") for c in set(companies)}
