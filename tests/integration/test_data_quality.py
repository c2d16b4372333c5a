"""Duplicates found and merged with ERPNext's own Customer merge; stale records and the
data-quality score; Data Import keeping good rows; personal data deletion."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from crm_pack import compat
from crm_pack.relationship import data_quality
from tests.integration import books, factories


def contact(cust, email=None, phone=None):
	frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Buyer",
			"email_ids": [{"email_id": email, "is_primary": 1}] if email else [],
			"phone_nos": [{"phone": phone, "is_primary_phone": 1}] if phone else [],
			"links": [{"link_doctype": "Customer", "link_name": cust}],
		}
	).insert(ignore_permissions=True)


def test_duplicates_are_found_and_merged_with_everything_following():
	from crm_pack.api.duplicates import merge_customers
	from crm_pack.crm_pack.report.duplicate_customers.duplicate_customers import execute

	tag = frappe.generate_hash(length=6)
	keep = factories.customer(f"Zenith Optics {tag} Ltd")
	dup = factories.customer(f"ZENITH OPTICS {tag} Limited")
	same_tax = factories.customer(f"Unrelated {tag}", tax_id=f"TX{tag}")
	frappe.db.set_value("Customer", keep, "tax_id", f"TX{tag}")
	factories.sales_invoice(keep, 900)
	dup_invoice = factories.sales_invoice(dup, 100)
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": dup,
			"subject": "Call about lenses",
			"channel": "Phone",
		}
	).insert()

	rows = execute({})[1]
	by_pair = {(r["keep"], r["duplicate"]): r for r in rows}
	assert (keep, dup) in by_pair  # the one with more billed is suggested to keep
	assert "names match" in by_pair[(keep, dup)]["reasons"]
	assert any(same_tax in pair and keep in pair for pair in by_pair)

	frappe.set_user("crm.user@crm-pack.test")
	try:
		with pytest.raises(frappe.PermissionError):
			merge_customers(keep, dup)
	finally:
		frappe.set_user("Administrator")

	merge_customers(keep, dup)
	books.settle()  # the merge's request ends
	assert not frappe.db.exists("Customer", dup) and not frappe.db.exists("CRM Customer", dup)
	assert frappe.db.get_value("Sales Invoice", dup_invoice.name, "customer") == keep
	assert frappe.db.get_value("Customer Interaction", {"subject": "Call about lenses"}, "customer") == keep
	company = factories.company()
	figures = frappe.db.get_value("CRM Customer", keep, ["outstanding_amount", "total_billed"], as_dict=True)
	assert figures.outstanding_amount == books.receivable(keep, company)["outstanding_amount"]
	assert figures.total_billed == books.ledger_summary(keep, company)["total_billed"]


def test_merge_refuses_nonsense():
	from crm_pack.api.duplicates import merge_customers

	cust = factories.customer()
	with pytest.raises(frappe.ValidationError, match="two different"):
		merge_customers(cust, cust)
	with pytest.raises(frappe.DoesNotExistError):
		merge_customers(cust, "No Such Customer 123")


def test_data_quality_score_names_what_is_missing_and_stale_flag():
	bare = factories.customer()
	complete = factories.customer(tax_id="DE123456789")
	contact(complete, email=f"ap-{frappe.generate_hash(length=6)}@complete.test", phone="+49 30 1234567")
	frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": complete,
			"address_line1": "Hauptstr. 1",
			"city": "Berlin",
			"country": frappe.db.get_value("Company", factories.company(), "country"),
			"links": [{"link_doctype": "Customer", "link_name": complete}],
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("CRM Customer", complete, "relationship_owner", "crm.user@crm-pack.test")
	old = factories.customer()
	factories.sales_invoice(old, 50, posting_date=add_days(nowdate(), -400), due_days=0)
	factories.sales_invoice(bare, 20)
	data_quality.recompute([bare, complete, old])

	row = frappe.get_doc("CRM Customer", bare)
	assert row.data_quality_score == 0
	assert row.data_quality_missing.startswith("relationship owner, contact person")
	assert not row.is_stale  # invoiced today
	assert frappe.db.get_value("CRM Customer", complete, "data_quality_score") == 100
	assert frappe.db.get_value("CRM Customer", old, "is_stale") == 1  # 400 days since its only invoice
	frappe.get_doc(
		{"doctype": "Customer Interaction", "customer": old, "subject": "Catch-up", "channel": "Visit"}
	).insert()
	data_quality.recompute([old])
	assert frappe.db.get_value("CRM Customer", old, "is_stale") == 0


def _missing(customer) -> str:
	return frappe.db.get_value("CRM Customer", customer, "data_quality_missing_codes") or ""


def test_data_quality_follows_contacts_addresses_and_the_owner_at_once():
	"""No nightly wait: a Customer saved with its Quick Entry contact, a Contact or Address
	added or deleted, and the owner set on the CRM Customer each move the score at once,
	and the saved CRM Customer carries the new list."""
	cust = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"Quick Entry {frappe.generate_hash(length=6)}",
			"email_id": f"buyer-{frappe.generate_hash(length=6)}@quick.test",
			"mobile_no": "+49 30 7654321",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
		}
	).insert(ignore_permissions=True)
	for gone in ("contact person", "email address", "phone number"):
		assert gone not in _missing(cust.name)
	assert "relationship owner" in _missing(cust.name)

	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": cust.name,
			"address_line1": "Hauptstr. 2",
			"city": "Berlin",
			"country": frappe.db.get_value("Company", factories.company(), "country"),
			"links": [{"link_doctype": "Customer", "link_name": cust.name}],
		}
	).insert(ignore_permissions=True)
	assert '"address"' not in _missing(cust.name)
	address.delete(ignore_permissions=True)
	assert '"address"' in _missing(cust.name)

	crm = frappe.get_doc("CRM Customer", cust.name)
	crm.relationship_owner = "crm.user@crm-pack.test"
	crm.save(ignore_permissions=True)
	assert "relationship owner" not in crm.data_quality_missing  # the saved document itself
	assert "relationship owner" not in _missing(cust.name)


def test_a_new_crm_customer_has_no_version_of_zeros_turned_null():
	was = compat.in_test()
	compat.set_in_test(False)  # versions are skipped in test mode
	try:
		cust = factories.customer()
	finally:
		compat.set_in_test(was)
	versions = frappe.get_all("Version", {"ref_doctype": "CRM Customer", "docname": cust}, pluck="data")
	assert not any("satisfaction_score" in v or "estimated_annual_spend" in v for v in versions), versions


def _import(doctype, csv, import_type="Insert New Records"):
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"crm-import-{frappe.generate_hash(length=6)}.csv",
			"content": csv,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"import_type": import_type,
			"reference_doctype": doctype,
			"import_file": file.file_url,
		}
	).insert()
	frappe.db.commit()  # Data Import commits row by row; its own record must exist first
	data_import.start_import()
	return frappe.get_all(
		"Data Import Log",
		filters={"data_import": data_import.name},
		fields=["success", "docname", "messages", "row_indexes"],
	)


def test_data_import_keeps_good_rows_and_reports_bad_ones():
	tag = frappe.generate_hash(length=6)
	cust = factories.customer(f"Import Target {tag}")
	frappe.db.commit()
	logs = _import(
		"Customer Interaction",
		"Customer,Channel,Subject,Interaction Type,Satisfaction (1-5)\n"
		f'"{cust}",Phone,Imported call {tag},Inquiry,4\n'
		f'"{cust}",Phone,Imported bad {tag},Inquiry,9\n'
		f'"{cust}",Visit,Imported visit {tag},Feedback,\n',
	)
	assert sorted(bool(log.success) for log in logs) == [False, True, True]
	(bad,) = [log for log in logs if not log.success]
	assert "Satisfaction is 1 to 5" in bad.messages and "3" in bad.row_indexes
	subjects = set(frappe.get_all("Customer Interaction", filters={"customer": cust}, pluck="subject"))
	assert subjects == {f"Imported call {tag}", f"Imported visit {tag}"}

	logs = _import(
		"CRM Customer",
		f'ID,Relationship Owner,Estimated Annual Spend\n"{cust}",crm.user@crm-pack.test,-5\n',
		"Update Existing Records",
	)
	assert [log.success for log in logs] == [0]  # a negative spend is refused ...
	assert frappe.db.get_value("CRM Customer", cust, "relationship_owner") != "crm.user@crm-pack.test"
	logs = _import(
		"CRM Customer",
		f'ID,Relationship Owner,Estimated Annual Spend\n"{cust}",crm.user@crm-pack.test,5000\n',
		"Update Existing Records",
	)
	assert [log.success for log in logs] == [1]  # ... a good row is kept
	assert frappe.db.get_value("CRM Customer", cust, "estimated_annual_spend") == 5000

	logs = _import(
		"Implementation Project",
		"Project Name,Customer,Planned Start,Planned Go-live\n"
		f'Imported roll-out {tag},"{cust}",2026-01-05,2026-06-30\n'
		f'Backwards roll-out {tag},"{cust}",2026-06-30,2026-01-05\n',
	)
	assert sorted(bool(log.success) for log in logs) == [False, True]
	assert frappe.db.exists("Implementation Project", {"project_name": f"Imported roll-out {tag}"})
	assert not frappe.db.exists("Implementation Project", {"project_name": f"Backwards roll-out {tag}"})

	# a customer that does not exist: frappe refuses the file before importing, naming the row
	logs = _import(
		"Implementation Project", f'Project Name,Customer\nOrphan {tag},"No Such Customer {tag}"\n'
	)
	assert logs == []
	warnings = frappe.db.get_value(
		"Data Import",
		{"reference_doctype": "Implementation Project"},
		"template_warnings",
		order_by="creation desc",
	)
	assert f"No Such Customer {tag}" in warnings


def test_personal_data_deletion_covers_interactions():
	tag = frappe.generate_hash(length=6)
	email = f"jane.{tag}@client.test"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Jane",
			"last_name": f"Doe{tag}",
			"user_type": "Website User",
			"send_welcome_email": 0,
		}
	).insert(ignore_permissions=True)
	cust = factories.customer()
	interaction = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"channel": "Email",
			"subject": f"Call from {user.full_name}",
			"details": f"<p>{user.full_name} ({email}) asked for a quote.</p>",
			"outcome": f"Send the quote to {email}",
		}
	).insert()
	# as frappe does once the person confirms by email (no mail account on the test site)
	request = frappe.get_doc({"doctype": "Personal Data Deletion Request", "email": email})
	request.set_new_name()
	request.db_insert()
	request._anonymize_data()
	after = frappe.db.get_value(
		"Customer Interaction", interaction.name, ["subject", "details", "outcome"], as_dict=True
	)
	for text in after.values():
		assert email not in text and user.full_name not in text
	assert "REDACTED" in after.subject
