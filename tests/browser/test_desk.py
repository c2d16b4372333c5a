"""The desk as a CRM user and an accounts user see it, in a real browser."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import DESK

CARDS = (
	"A Customers without Owner",
	"Overdue Follow-ups",
	"SLA Breaches This Week",
	"Customers at Churn Risk",
)


def widget(page, title):
	"""A workspace widget (number card, chart, shortcut) by the title it shows."""
	return page.locator(".widget").filter(has=page.locator(".widget-title").get_by_text(title, exact=True))


def test_crm_user_sees_the_workspace_with_its_figures(desk, site_data):
	# the records made for this run were counted, the ones made not to be were not
	assert site_data.cards_now == site_data.cards
	desk.login(site_data.crm_user)
	desk.goto("crm-pack")
	page = desk.page
	expect(page).to_have_title(re.compile("CRM Pack"))  # v15 heads the page with it, v16 its breadcrumb
	for card in CARDS:
		expect(widget(page, card).locator(".number")).to_have_text(str(site_data.cards[card]))
	for chart in ("Revenue by Tier", "Interactions by Channel"):
		expect(widget(page, chart).locator(".chart-container, .frappe-chart").first).to_be_visible()
	for shortcut in ("CRM Customer", "Follow-up Calendar", "Implementation Phases", "ABC Analysis"):
		expect(widget(page, shortcut)).to_be_visible()
	desk.shot("workspace", height=1700)

	# a card opens the list of what it counts
	widget(page, "Overdue Follow-ups").locator(".number").click()
	page.wait_for_url(f"**/{DESK}/customer-interaction**")
	desk.wait_idle()
	expect(
		page.locator(".list-row-container .indicator-pill", has_text="Follow-up overdue").first
	).to_be_visible()
	desk.shot("overdue-follow-ups")


def test_crm_user_logs_an_interaction(desk, site_data):
	desk.login(site_data.crm_user)
	desk.goto("customer-interaction/new")
	page = desk.page
	subject = f"Called about the renewal {site_data.tag}"
	customer = page.locator('.frappe-control[data-fieldname="customer"] input')
	customer.fill(site_data.customer)
	page.locator(".awesomplete [role=option]:visible", has_text=site_data.customer).first.click()
	page.locator('.frappe-control[data-fieldname="channel"] select').select_option("Visit")
	page.locator('.frappe-control[data-fieldname="subject"] input').fill(subject)
	desk.shot("new-interaction")
	page.keyboard.press("Control+s")
	page.wait_for_url(re.compile(rf".*/{DESK}/customer-interaction/CRM-INT-.*"))
	desk.wait_idle()
	expect(page).to_have_title(re.compile(re.escape(subject)))
	expect(page.locator(".page-title .indicator-pill")).to_have_text("Open")
	expect(page.locator('.frappe-control[data-fieldname="customer_name"] .control-value')).to_have_text(
		site_data.customer
	)
	desk.shot("interaction-saved")


def test_crm_user_sees_the_ledger_figures_on_the_customer(desk, site_data):
	desk.login(site_data.crm_user)
	desk.goto(f"crm-customer/{site_data.customer}")
	page = desk.page
	amount = f"{site_data.invoice_total:,.2f}"
	for field in ("total_billed", "outstanding_amount"):
		expect(page.locator(f'.frappe-control[data-fieldname="{field}"] .control-value')).to_contain_text(
			amount
		)
	expect(
		page.locator('.frappe-control[data-fieldname="last_invoice_date"] .control-value')
	).not_to_be_empty()
	desk.shot("customer-figures")


def test_accounts_user_runs_the_customer_ledger_report(desk, site_data):
	desk.login(site_data.accounts_user)
	desk.goto("query-report/CRM Customer Ledger")
	page = desk.page
	customer = page.locator('.page-form .frappe-control[data-fieldname="customer"] input')
	customer.fill(site_data.customer)
	page.locator(".awesomplete [role=option]:visible", has_text=site_data.customer).first.click()
	amount = f"{site_data.invoice_total:,.2f}"
	# the closing balance is this customer's alone once the report has run with the filter
	closing = page.locator(".summary-item").filter(has=page.get_by_text("Closing Balance", exact=True))
	expect(closing.locator(".summary-value")).to_contain_text(amount)
	table = page.locator(".dt-scrollable")
	expect(table.get_by_text(site_data.invoice, exact=True).first).to_be_visible()
	expect(table).to_contain_text(amount)
	desk.shot("customer-ledger")


COLUMN_FIT = """(labels) => {
	const heads = [...document.querySelectorAll(".dt-header .dt-cell--header")];
	return Object.fromEntries(labels.map((label) => {
		const head = heads.find((h) => h.textContent.trim() === label);
		const col = head.getAttribute("data-col-index");
		const cells = [...document.querySelectorAll(`.dt-scrollable .dt-cell--col-${col} .dt-cell__content`)];
		return [label, cells.filter((c) => c.textContent.trim())
			.map((c) => [c.textContent.trim(), c.scrollWidth, c.clientWidth])];
	}));
}"""


def _assert_ledger_of(desk, site_data):
	"""The report's first run shows this customer alone, its closing balance equal to the
	ledger's, and dates and balances whole (a cut cell scrolls wider than it shows)."""
	page = desk.page
	closing = f"{site_data.ledger_closing:,.2f}"
	expect(page.locator('.page-form .frappe-control[data-fieldname="customer"] input')).to_have_value(
		site_data.customer
	)
	summary = page.locator(".summary-item").filter(has=page.get_by_text("Closing Balance", exact=True))
	expect(summary.locator(".summary-value")).to_contain_text(closing)
	table = page.locator(".dt-scrollable")
	expect(table.get_by_text(site_data.invoice, exact=True).first).to_be_visible()
	closing_row = page.locator(".dt-row", has_text="Closing (Opening + Total)")
	expect(closing_row).to_contain_text(closing)
	fit = page.evaluate(COLUMN_FIT, ["Customer", "Posting Date", "Balance"])
	assert {text for text, *_ in fit["Customer"]} == {site_data.customer}, fit["Customer"]
	assert fit["Posting Date"] and fit["Balance"], fit
	cut = [cell for label in ("Posting Date", "Balance") for cell in fit[label] if cell[1] > cell[2]]
	assert not cut, f"cut off (text, scrollWidth, clientWidth): {cut}"


def test_customer_ledger_opens_on_the_customer_from_its_record(desk, site_data):
	"""View › Customer Ledger on the CRM Customer, and the same report by URL: the first run
	already has the customer (it once listed every customer until a manual refresh)."""
	desk.login(site_data.sales_user)  # on the customer's team; Sales User reads Company
	desk.goto(f"crm-customer/{site_data.customer}")
	page = desk.page
	page.locator(".inner-group-button", has_text="View").locator("button").first.click()
	page.locator(".inner-group-button .dropdown-menu.show .dropdown-item", has_text="Customer Ledger").click()
	page.wait_for_url("**/query-report/CRM*Customer*Ledger**")
	_assert_ledger_of(desk, site_data)
	desk.shot("ledger-from-record")

	desk.goto(f"query-report/CRM Customer Ledger?customer={site_data.customer}")
	_assert_ledger_of(desk, site_data)
	desk.shot("ledger-by-url")


def test_implementation_phases_board(desk, site_data):
	desk.login(site_data.crm_user)
	desk.goto("implementation-project/view/kanban/Implementation Phases")
	page = desk.page
	column = page.locator(
		".kanban-column", has=page.locator(".kanban-column-title", has_text=site_data.project_phase)
	)
	expect(column.locator(".kanban-card", has_text=site_data.project_name)).to_be_visible()
	expect(page.locator(".kanban-column-title", has_text="Go-live")).to_be_visible()
	desk.shot("phases-board")


def test_user_switches_the_desk_to_chinese(desk, site_data):
	desk.login(site_data.zh_user)
	page = desk.page
	desk.goto(f"user/{site_data.zh_user}")
	language = page.locator('.frappe-control[data-fieldname="language"] input')
	language.fill("zh")
	page.locator(".awesomplete [role=option]:visible").filter(has=page.get_by_text("zh", exact=True)).click()
	desk.shot("language-zh")
	page.keyboard.press("Control+s")
	expect(page.locator(".page-title .indicator-pill")).not_to_have_text("Not Saved")
	desk.wait_idle()

	desk.goto("crm-customer")
	expect(page.locator(".page-title .title-text")).to_have_text("CRM客户")
	desk.shot("crm-customer-list-zh")
	desk.goto("crm-pack")
	# crm_pack/translations/zh.csv: "CRM Customer" -> "CRM客户", "Overdue Follow-ups" -> "逾期跟进"
	expect(widget(page, "逾期跟进").locator(".number")).to_be_visible()
	desk.shot("workspace-zh", height=1700)


def test_customer_360_on_erpnext_customer_form(desk, site_data):
	"""ERPNext's Customer form shows the customer 360 from one call; a script typed into an
	interaction's subject is shown as text and never runs."""
	dialogs = []
	desk.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
	desk.login(site_data.sales_user)  # on the customer's team
	desk.goto(f"customer/{site_data.customer}")
	page = desk.page
	# ERPNext keeps a customer's figures in the form's dashboard tab (Dashboard on v15,
	# Connections on v16); the 360 sits there too
	pane = page.locator(".tab-pane", has=page.locator(".form-dashboard"))
	page.locator(f'.form-tabs .nav-link[aria-controls="{pane.get_attribute("id")}"]').click()
	section = page.locator(".crm-360")
	expect(section).to_be_visible()
	amount = f"{site_data.invoice_total:,.2f}"
	# the ledger's Outstanding, not Payment Behaviour's "Days Sales Outstanding"
	outstanding = section.locator(".crm-360-figure").filter(has=page.get_by_text("Outstanding", exact=True))
	expect(outstanding).to_contain_text(amount)
	expect(section).to_contain_text(site_data.project_name)
	expect(section).to_contain_text(site_data.xss_tag)
	# frappe's sanitiser already dropped the handler on save; what is left shows as text ...
	expect(section).to_contain_text('<img src="x">')
	expect(section.locator("img")).to_have_count(0)
	assert page.evaluate("() => window.__crm_xss") is None  # ... never run
	assert dialogs == []
	expect(page.get_by_role("button", name="Log Interaction")).to_be_visible()
	desk.shot("customer-360")

	# a colleague's customer: ERPNext's form as ERPNext shows it, no "Not permitted" dialog
	desk.goto(f"customer/{site_data.foreign_customer}")
	expect(page.locator(".page-title")).to_contain_text(site_data.foreign_customer)
	desk.wait_idle()
	expect(page.locator(".modal.show .msgprint")).to_have_count(0)
	expect(page.locator(".crm-360")).to_have_count(0)


def test_manager_merges_a_duplicate_pair_from_the_review_list(desk, site_data):
	desk.login(site_data.manager)
	desk.goto("query-report/Duplicate Customers")
	page = desk.page
	row = page.locator(".dt-row", has_text=site_data.dup_drop)
	expect(row).to_be_visible()
	expect(row).to_contain_text(site_data.dup_keep)  # the one with history is kept
	expect(row).to_contain_text("names match")
	desk.shot("duplicates")
	row.locator(".dt-cell--col-0 input[type=checkbox]").check()
	page.get_by_role("button", name="Merge Selected Pair").click()
	dialog = page.locator(".modal.show")
	expect(dialog).to_contain_text(site_data.dup_drop)
	desk.shot("merge-confirm")
	dialog.get_by_role("button", name="Yes").click()
	expect(page.locator(".dt-row", has_text=site_data.dup_drop)).to_have_count(0, timeout=30000)
	desk.goto(f"customer/{site_data.dup_drop}")
	expect(page.get_by_text("could not find what you were looking for")).to_be_visible()
	desk.goto(f"customer/{site_data.dup_keep}")
	expect(page).to_have_title(re.compile(re.escape(site_data.dup_keep)))
	desk.shot("merged")


FETCH = """async ([url, method, body]) => {
	const response = await fetch(url, {
		method,
		headers: {"Accept": "application/json", "Content-Type": "application/json",
			"X-Frappe-CSRF-Token": frappe.csrf_token},
		body: body ? JSON.stringify(body) : undefined,
	});
	return [response.status, await response.text()];
}"""


def test_rest_api_applies_record_level_access(desk, site_data):
	"""Over HTTP with the CRM User's session (the browser's own fetch, as the desk calls
	REST): their customer is served, another is refused and left out of lists, and a
	whitelisted method refuses it too."""
	import json
	from urllib.parse import quote

	desk.login(site_data.crm_user)

	def call(path, method="GET", body=None):
		status, text = desk.page.evaluate(FETCH, [path, method, body])
		return status, (json.loads(text) if text.startswith("{") else {})

	status, own = call(f"/api/resource/CRM Customer/{quote(site_data.customer)}")
	assert status == 200 and own["data"]["total_billed"] == site_data.invoice_total
	status, _ = call(f"/api/resource/CRM Customer/{quote(site_data.foreign_customer)}")
	assert status == 403
	filters = quote('[["customer_name", "like", "Browser%"]]')
	status, listed = call(f"/api/resource/CRM Customer?filters={filters}&limit_page_length=0")
	names = {row["name"] for row in listed["data"]}
	assert site_data.customer in names and site_data.foreign_customer not in names
	status, _ = call(
		"/api/method/crm_pack.api.customer_360.get_customer_360",
		"POST",
		{"customer": site_data.foreign_customer},
	)
	assert status == 403
