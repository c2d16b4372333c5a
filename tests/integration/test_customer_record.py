"""One CRM Customer per ERPNext Customer: created, followed through rename and merge, never orphaned."""

import frappe
import pytest

from crm_pack.relationship.records import ensure_for_customers
from tests.integration import books, factories


def test_customer_insert_creates_its_crm_record():
	name = factories.customer(account_manager="Administrator")
	crm = frappe.get_doc("CRM Customer", name)
	assert crm.customer == name
	assert crm.customer_name == frappe.db.get_value("Customer", name, "customer_name")
	assert crm.relationship_owner == "Administrator"
	assert crm.lifecycle_stage == "New"


def test_customer_edit_updates_name_group_and_territory():
	name = factories.customer()
	cust = frappe.get_doc("Customer", name)
	cust.customer_name = "Renamed Display Name"
	cust.save()
	assert frappe.db.get_value("CRM Customer", name, "customer_name") == "Renamed Display Name"


def test_territory_set_later_or_cleared_arrives():
	"""From empty and back to empty: a comparison with NULL must not hide the change."""
	territory = frappe.db.get_value("Territory", {"is_group": 0}, "name")
	name = factories.customer(territory=None)
	frappe.db.set_value("CRM Customer", name, "territory", None)
	cust = frappe.get_doc("Customer", name)
	cust.territory = territory
	cust.save()
	assert frappe.db.get_value("CRM Customer", name, "territory") == territory
	cust.territory = None
	cust.save()
	assert frappe.db.get_value("CRM Customer", name, "territory") is None


def test_install_backfill_creates_missing_records_in_one_statement():
	names = [factories.customer() for _ in range(3)]
	invoiced = names[0]
	factories.sales_invoice(invoiced, 50)
	frappe.db.delete("CRM Customer", {"name": ("in", names)})

	created = ensure_for_customers()

	assert created >= 3
	assert frappe.db.count("CRM Customer", {"name": ("in", names)}) == 3
	assert frappe.db.get_value("CRM Customer", invoiced, "lifecycle_stage") == "Active"
	assert frappe.db.get_value("CRM Customer", names[1], "lifecycle_stage") == "New"
	# running it again creates nothing: exactly one record per customer
	assert ensure_for_customers() == 0


def test_rename_moves_the_crm_record_and_its_interactions():
	old = factories.customer()
	frappe.get_doc(
		{"doctype": "Customer Interaction", "customer": old, "subject": "Intro call", "channel": "Phone"}
	).insert()
	new = f"{old} Renamed"

	frappe.rename_doc("Customer", old, new, force=True)

	assert not frappe.db.exists("CRM Customer", old)
	assert frappe.db.get_value("CRM Customer", new, "customer") == new
	assert frappe.db.count("Customer Interaction", {"customer": new}) == 1


def test_merge_keeps_one_record_with_both_histories_and_ledgers():
	kept, merged = factories.customer(), factories.customer()
	for cust in (kept, merged):
		frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": cust,
				"subject": f"call {cust}",
				"channel": "Visit",
			}
		).insert()
	factories.sales_invoice(kept, 100)
	factories.sales_invoice(merged, 250)

	frappe.rename_doc("Customer", merged, kept, merge=True, force=True)
	books.settle()

	assert not frappe.db.exists("CRM Customer", merged)
	assert frappe.db.count("Customer Interaction", {"customer": kept}) == 2
	assert frappe.db.get_value("CRM Customer", kept, "outstanding_amount") == 350


def test_deleting_a_customer_deletes_its_crm_record():
	name = factories.customer()
	frappe.delete_doc("Customer", name)
	assert not frappe.db.exists("CRM Customer", name)


def test_customer_with_crm_history_is_not_deleted_and_says_why():
	name = factories.customer()
	frappe.get_doc(
		{"doctype": "Customer Interaction", "customer": name, "subject": "Complaint", "channel": "Email"}
	).insert()
	with pytest.raises(frappe.LinkExistsError, match="1 CRM interactions"):
		frappe.delete_doc("Customer", name)
	assert frappe.db.exists("Customer", name)
	assert frappe.db.exists("CRM Customer", name)


def test_crm_record_cannot_be_deleted_while_its_customer_exists():
	name = factories.customer()
	with pytest.raises(frappe.ValidationError, match="delete the Customer"):
		frappe.delete_doc("CRM Customer", name)
	assert frappe.db.exists("CRM Customer", name)


def test_an_invoice_and_a_rename_in_one_transaction_leave_the_renamed_customers_figures_right():
	"""The invoice's before-commit refresh follows the customer to its new name (it looked for
	the old one, and the renamed customer's figures stayed at zero)."""
	old = factories.customer()
	invoice = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": factories.company(),
			"customer": old,
			"items": [{"item_code": factories.ITEM, "qty": 1, "rate": 250}],
		}
	).insert()
	invoice.submit()  # not settled: the rename comes before this transaction commits
	new = f"{old} Renamed"
	frappe.rename_doc("Customer", old, new, force=True)

	books.settle()
	expected = books.expected(new, factories.company())
	assert expected["outstanding_amount"] == 250
	assert books.stored(new) == expected
