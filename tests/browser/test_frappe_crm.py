"""Frappe CRM's own UI (/crm, its Vue app) with the bridge: a salesperson opens the
Organization and the Deal and sees the customer's overdue and stopped orders in the
"Customer Account" side panel, and on the Deal the quotation and order that came from it;
the desk's CRM Customer shows the deal with them. The records are
Frappe CRM's real ones: a deal moved to Won made the customer (Frappe CRM's ERPNext link)."""

import contextlib
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import on_site
from tests.integration import frappe_crm_setup as fcrm


@pytest.fixture(scope="module")
def won(site_data):
	"""An organization whose deal was won, 70 days overdue and stopped by the follow-up run;
	the salesperson owns the customer. Committed (the server reads it)."""
	with on_site() as frappe:
		if not fcrm.installed():
			pytest.skip(fcrm.SKIP_REASON)
		from frappe.utils import getdate, nowdate

		from crm_pack.credit_control import follow_up_run
		from tests.integration import collections_setup, factories

		fcrm.enable_erpnext_link()
		org = fcrm.organization(f"Browser Org {site_data.tag}")
		deal = fcrm.deal(org, value=4200, owner=site_data.sales_user)
		customer = fcrm.win(deal)
		frappe.db.set_value("CRM Customer", customer, "relationship_owner", site_data.sales_user)
		order = fcrm.order_from_deal(deal, customer)  # ordered before the stop
		quotation = frappe.db.get_value("Sales Order Item", {"parent": order.name}, "prevdoc_docname")
		collections_setup.overdue_invoice(customer, 1250, days_overdue=70)
		follow_up_run.run_chunk([customer], getdate(nowdate()))
		factories._settle()
		state = frappe.db.get_value(
			"CRM Customer", customer, ["overdue_amount", "orders_stopped", "currency"], as_dict=True
		)
		assert state.orders_stopped, "the follow-up run did not stop new orders"
		overdue = frappe.utils.fmt_money(state.overdue_amount, currency=state.currency)
		return {
			"org": org,
			"deal": deal.name,
			"customer": customer,
			"overdue": overdue,
			"quotation": quotation,
			"order": order.name,
		}


def open_in_frappe_crm(desk, path: str) -> None:
	"""Frappe CRM's page; its first-run "Getting started" panel (frappe-ui's onboarding, shown
	until the user's steps are done or skipped) would cover the side panel: skipped."""
	page = desk.page
	page.goto(f"{desk.base_url}/crm/{path}")
	skip = page.get_by_text("Skip all", exact=True)
	with contextlib.suppress(Exception):
		skip.wait_for(state="visible", timeout=5000)
		skip.click()
	helper = page.locator(
		"div.fixed.right-0.w-80"
	)  # frappe-ui's HelpModal; its header's last button closes it
	if helper.is_visible():
		helper.locator("div.justify-between.px-2 button").last.click()
		expect(helper).to_be_hidden()


def panel(page):
	section = page.locator('[data-crm-pack="account"]')
	expect(section).to_be_visible(timeout=30000)
	return section


def test_the_organization_shows_the_overdue_and_the_stopped_orders(desk, site_data, won):
	desk.login(site_data.sales_user)
	page = desk.page
	open_in_frappe_crm(desk, f"organizations/{quote(won['org'])}")
	account = panel(page)
	expect(account.locator('[data-crm-pack="overdue"]').first).to_have_text(won["overdue"])
	expect(account.locator('[data-crm-pack="orders"]')).to_have_text("Stopped")
	expect(account.locator('[data-crm-pack="follow_up_level"]')).not_to_have_text("None")
	desk.shot("organization")
	# the link into the desk opens the CRM Customer
	account.locator('[data-crm-pack="open-in-desk"]').click()
	page.wait_for_url(re.compile(r"/crm-customer/"))
	expect(page.locator(".page-title, .title-text").first).to_contain_text(won["customer"])


def test_the_deal_shows_the_overdue_and_the_stopped_orders(desk, site_data, won):
	desk.login(site_data.sales_user)
	page = desk.page
	open_in_frappe_crm(desk, f"deals/{won['deal']}")
	account = panel(page)
	expect(account.locator('[data-crm-pack="overdue"]').first).to_have_text(won["overdue"])
	expect(account.locator('[data-crm-pack="orders"]')).to_have_text("Stopped")
	# the quotation that came from the deal and the order made from it, linked into the desk
	expect(account.locator(f'[data-crm-pack="quotation"][data-name="{won["quotation"]}"]')).to_contain_text(
		"Ordered"
	)
	order = account.locator(f'[data-crm-pack="sales_order"][data-name="{won["order"]}"]')
	expect(order).to_contain_text("To Deliver and Bill")
	expect(order.locator("a")).to_have_attribute("href", re.compile(r"/sales-order/"))
	order.scroll_into_view_if_needed()
	desk.shot("deal")


def test_the_crm_customer_shows_the_deal(desk, site_data, won):
	desk.login(site_data.sales_user)
	desk.goto(f"crm-customer/{quote(won['customer'])}")
	page = desk.page
	deal = page.locator(f'.crm-360-deals [data-deal="{won["deal"]}"]')
	expect(deal).to_be_visible()
	expect(deal).to_contain_text("Won")
	expect(deal.locator(f'[data-quotation="{won["quotation"]}"]')).to_be_visible()
	expect(deal.locator(f'[data-sales-order="{won["order"]}"]')).to_contain_text("0% delivered, 0% billed")
	desk.shot("crm-customer-deals")
