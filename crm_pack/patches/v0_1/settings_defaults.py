"""Settings fields added after a site installed crm_pack start empty: give them their defaults."""

import frappe

FIELDS = (
	"referral_share_percent",
	"retention_probability_percent",
	"discount_rate_percent",
	"projection_years",
	"churn_new_customer_days",
	"churn_default_interval_days",
	"sync_refresh_max_vouchers",
	"scorecard_attribution_days",
	"log_emails_as_interactions",
)


def execute():
	meta = frappe.get_meta("CRM Pack Settings")
	for fieldname in FIELDS:
		default = meta.get_field(fieldname).default
		if default and not frappe.db.get_single_value("CRM Pack Settings", fieldname):
			frappe.db.set_single_value("CRM Pack Settings", fieldname, default)
