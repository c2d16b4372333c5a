"""Sending a statement of account from the CRM Customer form, in a real browser: the
button, the dialog with the customer's company and email filled in, the success message
and the Statement interaction on the form's timeline."""

import types

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import on_site
from tests.browser.data import SALES_USER


@pytest.fixture(scope="module")
def statement_data(site_data):
	"""A customer of the sales user's with an invoice and a primary contact's email, and an
	outgoing email account (the email waits in the queue: nothing is sent). Committed."""
	from tests.integration import factories

	with on_site() as frappe:
		if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "CRM Pack Browser Outbox",
					"email_id": "browser-outbox@crm-pack.test",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "smtp.crm-pack.invalid",  # never reached: nothing sends the queue here
					"no_smtp_authentication": 1,
				}
			).insert(ignore_permissions=True)
		tag = frappe.generate_hash(length=6).upper()
		customer = factories.customer(f"Browser Statement {tag}")
		factories.sales_invoice(customer, 321.5)
		email = f"ap-{tag.lower()}@customer.test"
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": f"Payables {tag}",
				"is_primary_contact": 1,
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Customer", customer, "customer_primary_contact", contact.name)
		frappe.db.set_value("CRM Customer", customer, "relationship_owner", SALES_USER)
	return types.SimpleNamespace(customer=customer, email=email)


def test_sales_user_sends_a_statement_from_the_customer(desk, statement_data):
	desk.login(SALES_USER)
	desk.goto(f"crm-customer/{statement_data.customer}")
	page = desk.page
	page.get_by_role("button", name="Send Statement").click()
	dialog = page.locator(".modal-dialog:visible")
	expect(dialog.locator(".modal-title")).to_have_text("Send Statement")
	expect(dialog.locator('.frappe-control[data-fieldname="recipient"] input')).to_have_value(
		statement_data.email
	)
	expect(dialog.locator('.frappe-control[data-fieldname="company"] select')).not_to_have_value("")
	desk.shot("send-statement-dialog")
	dialog.locator(".modal-footer .btn-primary").click()
	# queued, not yet sent: the email queue sends it
	expect(page.get_by_text(f"Statement of account queued for {statement_data.email}")).to_be_visible()
	desk.wait_idle()
	entry = page.locator(".timeline-item").filter(has_text="Statement of Account").first
	expect(entry).to_be_visible()
	expect(entry.get_by_role("link", name="Statement")).to_be_visible()
	desk.shot("statement-on-timeline")

	with on_site() as frappe:
		interactions = frappe.get_all(
			"Customer Interaction",
			filters={"customer": statement_data.customer, "interaction_type": "Statement"},
			pluck="name",
		)
		assert len(interactions) == 1
		assert frappe.db.count("Email Queue", {"reference_name": interactions[0]}) == 1
		assert frappe.db.count("File", {"attached_to_name": interactions[0]}) == 1
