"""Install -> use -> uninstall -> reinstall leaves frappe and ERPNext as they were.

Uninstalling drops tables, which commits; so this test commits its own data, runs last
(file name) and, whatever fails, leaves the app installed as it found it."""

import datetime as dt

import frappe
import pytest
from frappe.query_builder.functions import Count
from frappe.utils import add_days, nowdate

from crm_pack import compat
from crm_pack.frappe_crm import switch
from tests.integration import factories
from tests.integration.site_commands import bench

pytestmark = pytest.mark.lifecycle

MANAGER = "crm.manager@crm-pack.test"
RECIPIENT = "lifecycle@nobody.test"
TRACKING = ("Support Settings", "track_service_level_agreement")
# Tables frappe itself writes while the bench commands run, whatever the app: the log of
# each request and job, and the error log (where a failure here would show up anyway).
# v16 also audits every change of a user's roles in Permission Log (the use below gives a
# manager crm_pack's role; uninstall takes it away).
OUTSIDE_CRM_PACK = {"Access Log", "Activity Log", "Error Log", "Scheduled Job Log", "Permission Log"}
# The email stays after an uninstall (it is the mailbox's), with frappe's links to its
# sender's and recipient's Contacts (counted from the email itself); only its links to
# crm_pack's records go.
KEPT_BY_DESIGN = {"Communication": 1}
OTHER_APPS = ("frappe", "erpnext", "crm")  # crm: Frappe CRM, where the bench has it


def installed() -> bool:
	frappe.clear_cache()
	return "crm_pack" in frappe.get_installed_apps()


def tracking() -> int:
	return int(frappe.db.get_single_value(*TRACKING, cache=False) or 0)


def snapshot() -> dict[str, int]:
	"""Row counts of every frappe and ERPNext table, and Frappe CRM's where the site has it
	(crm_pack's own are gone by then)."""
	modules = [
		m for app in OTHER_APPS if app in frappe.get_installed_apps() for m in frappe.get_module_list(app)
	]
	doctypes = frappe.get_all(
		"DocType", filters={"module": ("in", modules), "issingle": 0, "is_virtual": 0}, pluck="name"
	)
	existing = set(frappe.db.get_tables(cached=False))
	return {
		d: frappe.qb.from_(frappe.qb.DocType(d)).select(Count("*")).run()[0][0]
		for d in sorted(doctypes)
		if f"tab{d}" in existing and d not in OUTSIDE_CRM_PACK
	}


def frappe_crm_side_panels() -> dict[str, str] | None:
	"""Frappe CRM's side panel layouts of Deal and Organization, where crm_pack's bridge adds
	its section: after an uninstall they must read as they did before the install."""
	if "crm" not in frappe.get_installed_apps():
		return None
	return {
		dt: frappe.db.get_value("CRM Fields Layout", {"dt": dt, "type": "Side Panel"}, "layout")
		for dt in switch.DOCTYPES
	}


def differences(before: dict[str, int], after: dict[str, int], kept: dict[str, int]) -> dict[str, tuple]:
	return {
		t: (before.get(t), after.get(t))
		for t in sorted(set(before) | set(after))
		if before.get(t, 0) + kept.get(t, 0) != after.get(t, 0)
	}


def use_crm_pack(cust: str) -> tuple[str, str]:
	"""What a CRM team does in a week: a complaint with a follow-up, an edit, a comment, a
	share, a user restricted to a customer, an escalation, an email; returns the complaint
	and the email."""
	from crm_pack.interactions.service_levels import escalate

	frappe.get_doc("User", MANAGER).add_roles("CRM Manager")
	compat.set_in_test(False)  # a live site writes Versions
	try:
		complaint = frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": cust,
				"subject": "Lifecycle: wrong invoice address",
				"channel": "Phone",
				"interaction_type": "Complaint",
				"priority": "High",
				"handled_by": MANAGER,
				"follow_up_date": add_days(nowdate(), 2),
			}
		).insert()
		complaint.details = "Customer asked for a corrected invoice."
		complaint.save()
	finally:
		compat.set_in_test(True)
	assert complaint.service_level_agreement  # with tracking off, too
	assert complaint.follow_up_todo
	complaint.add_comment("Comment", "Called back, corrected invoice on its way.")
	frappe.share.add("Customer Interaction", complaint.name, "crm.user@crm-pack.test", read=1)
	frappe.permissions.add_user_permission("CRM Customer", cust, "crm.user@crm-pack.test")
	assert escalate(now=complaint.response_by + dt.timedelta(hours=1))["Breached"] == 1
	email = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Sent",
			"subject": "Your corrected invoice",
			"content": "<p>Please find the corrected invoice attached.</p>",
			"sender": MANAGER,
			"recipients": RECIPIENT,
			"reference_doctype": "Customer Interaction",
			"reference_name": complaint.name,
			"timeline_links": [{"link_doctype": "CRM Customer", "link_name": cust}],
		}
	).insert(ignore_permissions=True)
	# a statement of account: its PDF is a File on the interaction, its email a queued row
	statement = send_statement(cust)
	frappe.get_doc(
		{
			"doctype": "CRM Statement Schedule",
			"schedule_name": "Lifecycle monthly",
			"company": factories.company(),
			"frequency": "Monthly",
			"day_of_period": 1,
		}
	).insert()
	frappe.db.commit()
	assert frappe.db.exists("File", {"attached_to_name": statement["interaction"]})
	assert frappe.db.exists("Email Queue", {"reference_name": statement["interaction"]})
	assert frappe.db.exists("ToDo", {"reference_type": "Customer Interaction"})
	assert frappe.db.exists("Notification Log", {"document_name": complaint.name})
	assert frappe.db.exists("Version", {"ref_doctype": "Customer Interaction", "docname": complaint.name})
	return complaint.name, email.name


def payment_follow_up_records() -> dict:
	"""Before crm_pack: a customer 40 days overdue, the company's Dunning Type and an
	outgoing email account (the business's own records)."""
	from tests.integration.collections_setup import dunning_type, outgoing_email_account, overdue_invoice

	cust = factories.customer(email_id=f"lifecycle-payer-{frappe.generate_hash(length=6)}@nobody.test")
	overdue_invoice(cust, 300, 40)
	had_account = frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1})
	outgoing_email_account()
	return {"customer": cust, "dunning_type": dunning_type(), "made_account": not had_account}


def use_payment_follow_ups(records: dict) -> dict[str, int]:
	"""The daily follow-up reaches the 30-day level with a Dunning and an email: ERPNext's
	Dunning stays after an uninstall (an accounting document the company owns); the
	Payment Reminder, its queued email and the collector's ToDo go."""
	from frappe.utils import getdate

	from crm_pack.credit_control import follow_up_run

	settings = frappe.get_single("CRM Pack Settings")
	settings.collections_enabled = 1
	settings.default_collector = MANAGER
	for row in settings.collection_levels:
		if row.days_overdue == 30:
			row.dunning_type, row.channel = records["dunning_type"], "Email"
		if row.days_overdue == 15:
			row.channel = "Phone"
	settings.save(ignore_permissions=True)
	frappe.clear_document_cache("CRM Pack Settings", "CRM Pack Settings")
	cust = records["customer"]
	assert follow_up_run.run_chunk([cust], getdate(nowdate()))["steps"] == 1
	dunnings = frappe.get_all("Dunning", filters={"customer": cust, "docstatus": 1}, pluck="name")
	assert len(dunnings) == 1
	assert frappe.db.exists("Email Queue", {"reference_doctype": "Customer Interaction"})
	frappe.db.commit()
	rows = frappe.db.count("Overdue Payment", {"parent": ("in", dunnings)})
	return {"Dunning": len(dunnings), "Overdue Payment": rows}


def send_statement(cust: str) -> dict:
	from crm_pack.api.statements import send_statement as send

	return send(cust, factories.company(), recipient=RECIPIENT)


def outgoing_account() -> str | None:
	"""A default outgoing account for the statement's email, part of the baseline (made
	before the first install when the site has none; removed again at the end)."""
	if frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		return None
	return (
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "CRM Pack Lifecycle",
				"email_id": "lifecycle-sender@crm-pack.test",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "smtp.crm-pack.invalid",  # never dialled: v16 tests a loopback server on save
				"no_smtp_authentication": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def test_install_use_uninstall_reinstall_leaves_frappe_and_erpnext_as_they_were():
	tracking_was = tracking()
	bench("uninstall-app", "crm_pack", "--yes", "--no-backup", "--force")
	account = None
	try:
		account = outgoing_account()
		# ERPNext data from before crm_pack: install must pick it up
		cust = factories.customer()
		invoice = factories.sales_invoice(cust, 420)
		factories.payment(invoice, 20)
		# frappe files an email's recipient as a Contact the first time it sees the address:
		# that Contact is the mailbox's, not crm_pack's, so it belongs to the baseline
		if not frappe.db.exists("Contact Email", {"email_id": RECIPIENT}):
			frappe.get_doc(
				{
					"doctype": "Contact",
					"first_name": "Lifecycle",
					"email_ids": [{"email_id": RECIPIENT, "is_primary": 1}],
				}
			).insert(ignore_permissions=True)
		# frappe files a user's Contact when the user is saved (the use below adds a role):
		# the user's, not crm_pack's, so it belongs to the baseline too
		from frappe.core.doctype.user.user import create_contact

		create_contact(frappe.get_doc("User", MANAGER), ignore_mandatory=True)
		follow_ups = payment_follow_up_records()
		frappe.db.set_single_value(*TRACKING, 0)
		frappe.db.commit()
		baseline = snapshot()
		side_panels = frappe_crm_side_panels()

		bench("install-app", "crm_pack")
		assert tracking() == 0  # Issues stay without agreements
		assert frappe.db.get_value("CRM Customer", cust, "outstanding_amount") == 400
		_complaint, email = use_crm_pack(cust)
		kept_dunnings = use_payment_follow_ups(follow_ups)

		bench("uninstall-app", "crm_pack", "--yes", "--no-backup", "--force")
		assert not installed()
		assert not frappe.db.table_exists("CRM Customer")
		email_links = frappe.get_all("Communication Link", filters={"parent": email}, pluck="link_doctype")
		assert set(email_links) <= {"Contact"}, email_links  # nothing of crm_pack's is left linked
		diff = differences(
			baseline,
			snapshot(),
			{**KEPT_BY_DESIGN, **kept_dunnings, "Communication Link": len(email_links)},
		)
		assert not diff, "tables (before, after) that uninstall did not restore:\n" + "\n".join(
			f"  {t}: {b} -> {a}" for t, (b, a) in diff.items()
		)
		assert frappe_crm_side_panels() == side_panels
		assert tracking() == 0
		# the email stays, without its pointers at crm_pack's records
		assert frappe.db.get_value("Communication", email, "reference_doctype") is None
		assert not frappe.db.exists("Communication Link", {"parent": email, "link_doctype": "CRM Customer"})
		assert not frappe.db.exists("Role", "CRM Manager")
		assert frappe.db.count("Dunning", {"customer": follow_ups["customer"], "docstatus": 1}) == 1

		# the business tracks its Issues' agreements: a reinstall leaves that on
		frappe.db.set_single_value(*TRACKING, 1)
		bench("install-app", "crm_pack")
		assert tracking() == 1
		assert frappe.db.get_value("CRM Customer", cust, "outstanding_amount") == 400
		assert frappe.db.exists("Role", "CRM Manager")
	finally:
		# whatever failed above, the test site keeps crm_pack, its users' roles and its
		# Support Settings for the next run
		frappe.db.rollback()
		if not installed():
			bench("install-app", "crm_pack")
		frappe.db.set_single_value(*TRACKING, tracking_was)
		if "follow_ups" in locals() and follow_ups["made_account"]:
			# the outgoing account was the test's: other tests expect the site as it was
			frappe.delete_doc(
				"Email Account", "CRM Pack Collections Test", ignore_permissions=True, force=True
			)
		if account:
			frappe.delete_doc("Email Account", account, ignore_permissions=True, force=True)
		factories.ensure_base_records()
		frappe.db.commit()
	assert installed()
