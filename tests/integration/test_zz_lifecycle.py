"""Install -> use -> uninstall -> reinstall on a site holding ERPNext data loses no ERPNext row.

Uninstalling drops tables, which commits; so this test commits its own data and
runs last (file name), leaving the app installed as it found it."""

import os
import subprocess
import sys

import frappe
import pytest
from frappe.query_builder.functions import Count

from tests.integration import factories
from tests.integration.conftest import SITE, SITES_PATH

pytestmark = pytest.mark.lifecycle

# Records crm_pack itself creates in ERPNext doctypes on install (the complaint service level
# and its weekend calendar) and removes on uninstall; every other ERPNext row must stay.
CREATED_BY_CRM_PACK = {
	"Service Level Agreement",
	"Service Level Priority",
	"Service Day",
	"SLA Fulfilled On Status",
	"Pause SLA On Status",
	"Holiday List",
	"Holiday",
}
WATCHED = (
	"Customer",
	"Sales Invoice",
	"Sales Order",
	"Payment Entry",
	"GL Entry",
	"Payment Ledger Entry",
	"Contact",
	"Address",
)


def bench(*args):
	result = subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, *args],
		cwd=SITES_PATH,
		capture_output=True,
		text=True,
		env=os.environ,
		timeout=900,
	)
	assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
	return result.stdout


def erpnext_doctypes() -> list[str]:
	modules = frappe.get_module_list("erpnext")
	doctypes = frappe.get_all(
		"DocType", filters={"module": ("in", modules), "issingle": 0, "is_virtual": 0}, pluck="name"
	)
	existing = set(frappe.db.get_tables())
	return sorted(d for d in doctypes if f"tab{d}" in existing and d not in CREATED_BY_CRM_PACK)


def snapshot() -> dict:
	"""Row counts of every ERPNext table, and each watched row's name and modified stamp."""
	counts = {
		d: frappe.qb.from_(frappe.qb.DocType(d)).select(Count("*")).run()[0][0] for d in erpnext_doctypes()
	}
	rows = {d: frappe.get_all(d, fields=["name", "modified"], order_by="name") for d in WATCHED}
	return {"counts": counts, "rows": rows}


def test_install_use_uninstall_reinstall_keeps_every_erpnext_row():
	cust = factories.customer()
	invoice = factories.sales_invoice(cust, 420)
	factories.payment(invoice, 20)
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"subject": "Lifecycle check",
			"channel": "Visit",
		}
	).insert()
	frappe.db.commit()
	before = snapshot()
	frappe.db.commit()  # release metadata locks before another process drops tables

	bench("uninstall-app", "crm_pack", "--yes", "--no-backup", "--force")
	try:
		frappe.clear_cache()
		assert "crm_pack" not in frappe.get_installed_apps()
		assert not frappe.db.table_exists("CRM Customer")
		assert not frappe.db.exists("Service Level Agreement", {"document_type": "Customer Interaction"})
		assert not frappe.db.exists("Custom Field", {"dt": "Customer Interaction"})
		assert snapshot() == before
	finally:
		# whatever failed above, the test site must keep crm_pack for the next run
		frappe.db.commit()
		bench("install-app", "crm_pack")
		frappe.clear_cache()
	assert "crm_pack" in frappe.get_installed_apps()
	assert frappe.db.get_value("CRM Customer", cust, "outstanding_amount") == 400
	assert snapshot() == before
	frappe.db.commit()
