"""The collector's worklist in a real browser: from the workspace shortcut to a logged call."""

import types

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESK, col_index, on_site, report_cell

COLLECTOR = "browser.sales@crm-pack.test"  # CRM User + Sales User: reads the company's books
OVERDUE_RATE = 987.65


@pytest.fixture(scope="module")
def worklist_data(site_data):
	"""A customer of the collector's with an invoice 20 days overdue, committed before the
	browser looks (the site is served by another process)."""
	from frappe.utils import add_days, nowdate

	from tests.integration import factories

	with on_site() as frappe:
		customer = factories.customer(f"Browser Overdue {site_data.tag}")
		invoice = factories.sales_invoice(
			customer, OVERDUE_RATE, posting_date=add_days(nowdate(), -30), due_days=10
		)
		frappe.db.set_value("CRM Customer", customer, "collector", COLLECTOR)
	return types.SimpleNamespace(customer=customer, invoice=invoice.name, amount=invoice.grand_total)


def widget(page, title):
	return page.locator(".widget").filter(has=page.locator(".widget-title").get_by_text(title, exact=True))


def test_collector_chases_from_the_worklist_and_logs_a_call(desk, worklist_data):
	desk.login(COLLECTOR)
	desk.goto("crm-pack")
	page = desk.page
	expect(widget(page, "Customers to Chase Today").locator(".number")).not_to_have_text("0")
	desk.shot("workspace-card", height=1700)
	widget(page, "Collections Worklist").click()
	page.wait_for_url(f"**/{DESK}/query-report/Collections*")
	desk.wait_idle()

	table = page.locator(".dt-scrollable")
	row = table.locator(".dt-row").filter(has_text=worklist_data.customer)
	expect(row).to_have_count(1)
	expect(row).to_contain_text(f"{worklist_data.amount:,.2f}")
	expect(row).to_contain_text("Call: never contacted about payment.")
	desk.shot("worklist")

	row.get_by_role("button", name="Log Call").click()
	dialog = page.locator(".modal.show")
	expect(dialog.locator(".modal-title")).to_contain_text(worklist_data.customer)
	dialog.locator('select[data-fieldname="outcome"]').select_option("No Answer")
	dialog.locator('textarea[data-fieldname="note"]').fill("Rang at nine, no answer")
	desk.shot("log-call-dialog")
	dialog.locator(".btn-modal-primary").click()
	expect(page.locator(".desk-alert .alert-message").first).to_contain_text("Call logged")
	desk.wait_idle()

	# the report refreshed: the call is the last contact, the next step moved on
	row = page.locator(".dt-scrollable .dt-row").filter(has_text=worklist_data.customer)
	expect(row).to_contain_text("Remind: overdue since")
	desk.shot("worklist-after-call")

	desk.goto(f"customer-interaction?customer={worklist_data.customer}")
	expect(page.locator(".list-row-container").filter(has_text="Collection call: No Answer")).to_have_count(1)
	desk.shot("interaction-logged")

	# the record: payment behaviour and orders in the customer 360, Log Call on the form
	desk.goto(f"crm-customer/{worklist_data.customer}")
	expect(page.locator(".crm-360").get_by_text("Payment Behaviour", exact=True)).to_be_visible()
	expect(page.locator(".crm-360").get_by_text("Late Orders", exact=True)).to_be_visible()
	expect(page.get_by_role("button", name="Log Call")).to_be_visible()
	desk.shot("customer-payment-behaviour")


ACCOUNTS_USER = "browser.accounts@crm-pack.test"  # Accounts User only


def test_an_accounts_user_works_through_the_worklist_a_customer_and_a_complaint(
	desk, site_data, worklist_data
):
	"""An accountant with no other role: the workspace, the worklist, a CRM Customer and a
	complaint open without a permission error or any error dialog (v16 once answered None from
	crm_pack's permission hooks as "no")."""
	page = desk.page
	desk.login(ACCOUNTS_USER)
	error_dialog = page.locator(".modal.show .msgprint")

	desk.goto("crm-pack")
	# the first view: nobody assigned this accountant customers, so the card counts
	# everyone's overdue (it once said 0 while twenty customers were overdue)
	card = widget(page, "Customers to Chase Today").locator(".number")
	expect(card).to_be_visible()
	expect(card).not_to_have_text("0")
	page.wait_for_timeout(1000)  # cards and charts ask the server after the page
	expect(error_dialog).to_have_count(0)

	desk.goto("query-report/Collections Worklist")
	desk.wait_idle()
	expect(page.locator('input[data-fieldname="my_customers"]')).not_to_be_checked()
	expect(page.get_by_text("Nobody to chase")).to_have_count(0)
	# everyone's overdue is a long report: found as a user would, through the Customer filter
	expect(report_cell(page, worklist_data.customer, "Overdue")).to_contain_text(
		f"{worklist_data.amount:,.2f}"
	)
	expect(error_dialog).to_have_count(0)
	desk.shot("accounts-user-worklist")

	desk.goto(f"crm-customer/{worklist_data.customer}")
	expect(page.locator(".crm-360")).to_be_visible()
	expect(error_dialog).to_have_count(0)

	desk.goto(f"customer-interaction/{site_data.complaint}")
	expect(page.locator('.frappe-control[data-fieldname="interaction_type"] select')).to_have_value(
		"Complaint"
	)
	expect(error_dialog).to_have_count(0)
	assert not page.get_by_text("Not permitted").count()
	desk.shot("accounts-user-complaint")


def test_a_collector_on_a_phone_disputes_part_of_an_invoice_from_the_worklist(desk, worklist_data):
	"""At 390 px the row's customer and its Log Call button are on screen without scrolling
	sideways; the call names the invoice and the part disputed."""
	page = desk.page
	desk.login(COLLECTOR)
	page.set_viewport_size({"width": 390, "height": 844})
	desk.goto("query-report/Collections Worklist")
	row = page.locator(".dt-scrollable .dt-row").filter(has_text=worklist_data.customer)
	expect(row).to_have_count(1)
	button = row.get_by_role("button", name="Log Call")
	customer_cell = row.locator(f'.dt-cell[data-col-index="{col_index(page, "Customer")}"]')
	expect(customer_cell).to_be_visible()
	customer_cell.evaluate("(cell) => cell.scrollIntoView({ block: 'center', inline: 'nearest' })")
	page.wait_for_timeout(300)  # the datatable draws the rows scrolled to
	for on_screen in (customer_cell, button):  # wholly within the width, nothing scrolled sideways
		box = on_screen.bounding_box()
		assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
	desk.shot("phone-worklist")

	button.click()
	dialog = page.locator(".modal.show")
	dialog.locator('select[data-fieldname="outcome"]').select_option("Disputed")
	dialog.locator(".checkbox", has_text=worklist_data.invoice).locator("input").check()
	part = dialog.locator(".frappe-control", has_text=f"Amount of {worklist_data.invoice}").locator("input")
	part.fill("300")
	part.press("Tab")
	for control in (dialog.locator(".checkbox", has_text=worklist_data.invoice), part):
		control.scroll_into_view_if_needed()
		expect(control).to_be_in_viewport(ratio=1)
	desk.shot("phone-log-call-dispute")
	dialog.locator(".btn-modal-primary").click()
	expect(page.locator(".desk-alert .alert-message").first).to_contain_text("Call logged")

	disputed = page.evaluate(
		"""async (customer) => {
			const r = await frappe.xcall("frappe.client.get_list", {
				doctype: "Customer Interaction",
				filters: { customer, interaction_type: "Dispute" },
				fields: ["name"],
			});
			return Promise.all(r.map((d) => frappe.xcall("frappe.client.get", { doctype: "Customer Interaction", name: d.name })));
		}""",
		worklist_data.customer,
	)
	assert [[(i["sales_invoice"], i["amount"]) for i in d["invoices"]] for d in disputed] == [
		[(worklist_data.invoice, 300)]
	]
