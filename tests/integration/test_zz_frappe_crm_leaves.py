"""Frappe CRM leaving the site for real (`bench uninstall-app crm`) and coming back
(`install-app crm`): crm_pack keeps working without it, nothing of the bridge stays behind,
and the bridge is back when Frappe CRM is. Uninstalling drops tables, which commits; so this
test commits its own data, runs near the end (file name) and, whatever fails, leaves Frappe
CRM installed and linked to ERPNext as it found it."""

import frappe
import pytest

from crm_pack.frappe_crm import switch
from tests.integration import factories
from tests.integration import frappe_crm_setup as fcrm
from tests.integration.site_commands import bench

pytestmark = pytest.mark.lifecycle

ACCOUNTS_USER = "accounts.user@crm-pack.test"


def bridge_records() -> dict[str, int]:
	"""What crm_pack puts on Frappe CRM's doctypes and its own records about them."""
	out = {
		"custom fields": frappe.db.count(
			"Custom Field", {"dt": ("in", switch.DOCTYPES), "fieldname": switch.FIELD}
		),
		"anchored customers": frappe.db.count("CRM Customer", {"frappe_crm_organization": ("is", "set")}),
	}
	if frappe.db.table_exists("CRM Form Script"):
		out["form scripts"] = frappe.db.count(
			"CRM Form Script", {"name": ("in", list(switch.SCRIPTS.values()))}
		)
	return out


def test_frappe_crm_leaving_leaves_crm_pack_working_and_nothing_of_the_bridge():
	from crm_pack.api.customer_360 import get_customer_360
	from crm_pack.api.frappe_crm import get_account

	fcrm.require()
	fcrm.enable_erpnext_link()
	org = fcrm.organization()
	customer = fcrm.win(fcrm.deal(org, value=600))
	frappe.db.commit()
	assert frappe.db.get_value("CRM Customer", customer, "frappe_crm_organization") == org
	try:
		bench("uninstall-app", "crm", "--yes", "--no-backup", "--force")
		assert not fcrm.installed()
		assert bridge_records() == {"custom fields": 0, "anchored customers": 0}
		assert not frappe.db.count("Property Setter", {"doc_type": ("in", switch.DOCTYPES)})
		# crm_pack goes on as before: an Accounts User's invoice reaches the record in the
		# same transaction, the record and its 360 open (without a deals section)
		frappe.set_user(ACCOUNTS_USER)
		try:
			factories.sales_invoice(customer, 250)
		finally:
			frappe.set_user("Administrator")
		assert frappe.db.get_value("CRM Customer", customer, "outstanding_amount") == 250
		data = get_customer_360(customer)
		assert data["deals"] is None and "Frappe CRM" not in data["html"]
		from frappe.desk.form.load import getdoc

		getdoc("CRM Customer", customer)
		assert get_account("CRM Deal", "anything") == {}  # the panel's door answers, empty
		frappe.db.commit()
	finally:
		frappe.db.rollback()
		if not fcrm.installed():
			bench("install-app", "crm")
		fcrm.enable_erpnext_link()
		frappe.db.commit()
	assert bridge_records() == {
		"custom fields": 2,
		"anchored customers": 0,  # Frappe CRM's organizations went with it
		"form scripts": 2,
	}
