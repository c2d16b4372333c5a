"""The bridge to Frappe CRM through its real doctypes and its own ERPNext integration: a deal
won in Frappe CRM becomes a customer whose money shows on its Organization and Deal (equal to
Accounts Receivable), anchored on the organization; its deals show on the CRM Customer;
access holds both ways; the bridge follows the switch in CRM Pack Settings."""

import json

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests.integration import books, factories
from tests.integration import frappe_crm_setup as fcrm
from tests.integration.collections_setup import levels, overdue_invoice, run  # noqa: F401 (fixture)


@pytest.fixture(autouse=True, scope="module")
def frappe_crm(frappe_site):
	fcrm.require()
	fcrm.enable_erpnext_link()


def account(doctype, name, user="Administrator"):
	from crm_pack.api.frappe_crm import get_account

	frappe.set_user(user)
	try:
		return get_account(doctype, name)
	finally:
		frappe.set_user("Administrator")


def won_customer(value=1000):
	org = fcrm.organization()
	deal = fcrm.deal(org, value=value)
	customer = fcrm.win(deal)
	return org, deal, customer


def test_a_won_deal_becomes_a_customer_anchored_on_its_organization():
	org, deal, customer = won_customer()
	assert customer, "Frappe CRM made no Customer from the won deal"
	assert frappe.db.get_value("CRM Customer", customer, "frappe_crm_organization") == org
	# a second deal of the same organization is the same customer, before and after it is won
	second = fcrm.deal(org, value=300)
	assert account("CRM Deal", second.name)["customer"] == customer
	assert fcrm.win(second) == customer
	assert frappe.get_all("CRM Customer", filters={"frappe_crm_organization": org}, pluck="name") == [
		customer
	]


def test_organization_and_deal_show_outstanding_and_overdue_equal_to_accounts_receivable():
	org, deal, customer = won_customer()
	company = factories.company()
	overdue_invoice(customer, 700, days_overdue=70)
	factories.sales_invoice(customer, 300)  # not yet due
	expected = books.receivable(customer, company)
	assert expected == {"outstanding_amount": 1000.0, "overdue_amount": 700.0}
	for doctype, name in (("CRM Organization", org), ("CRM Deal", deal.name)):
		shown = account(doctype, name)
		row = next(r for r in shown["companies"] if r.company == company)
		assert {
			"outstanding_amount": round(row.outstanding_amount, 2),
			"overdue_amount": round(row.overdue_amount, 2),
		} == expected
		assert frappe.utils.fmt_money(700, currency=row.currency) in shown["html"]
		assert shown["url"].endswith("/crm-customer/" + frappe.utils.quote(customer).replace("/", "%2F")) or (
			customer.replace(" ", "%20") in shown["url"]
		)
	# a payment moves it at once: read live, not a copy
	invoice = frappe.get_all("Sales Invoice", filters={"customer": customer, "docstatus": 1}, pluck="name")
	factories.payment(frappe.get_doc("Sales Invoice", sorted(invoice)[0]), 100)
	row = account("CRM Organization", org)["companies"][0]
	assert round(row.outstanding_amount, 2) == books.receivable(customer, company)["outstanding_amount"]


@pytest.mark.usefixtures("levels")
def test_stopped_orders_follow_up_level_complaint_and_dispute_show_on_the_deal():
	org, deal, customer = won_customer()
	invoice = overdue_invoice(customer, 900, days_overdue=70)
	run(customer)  # the daily follow-up run: 70 days overdue reaches "Stop new orders"
	complaint = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": customer,
			"channel": "Phone",
			"direction": "Inbound",
			"interaction_type": "Complaint",
			"subject": "Late delivery",
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": customer,
			"channel": "Email",
			"direction": "Inbound",
			"interaction_type": "Dispute",
			"subject": "Wrong quantity",
			"company": factories.company(),
			"invoices": [{"sales_invoice": invoice.name, "amount": 200}],
			"complaint": complaint.name,
		}
	).insert()
	factories._settle()
	shown = account("CRM Deal", deal.name)
	state = frappe.db.get_value(
		"CRM Customer", customer, ["collection_level", "orders_stopped"], as_dict=True
	)
	assert state.orders_stopped and state.collection_level == 4
	assert shown["orders_stopped"] == 1 and shown["collection_level"] == 4
	assert shown["open_complaints"] == 1 and shown["open_disputes"] == 1
	assert 'data-crm-pack="orders">Stopped<' in shown["html"]
	assert 'data-crm-pack="follow_up_level">4<' in shown["html"]


def test_a_sales_user_sees_money_only_for_customers_crm_pack_lets_them_see():
	org, deal, customer = won_customer()
	overdue_invoice(customer, 500, days_overdue=40)
	# a Frappe CRM Sales User without a crm_pack role reads the deal, not the money
	shown = account("CRM Deal", deal.name, fcrm.SALES)
	assert shown["permitted"] is False and "companies" not in shown
	assert "500" not in shown["html"]
	# a salesperson with the CRM User role: only the customers they own, collect or are on the team of
	assert account("CRM Organization", org, fcrm.SALES_CRM)["permitted"] is False
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", fcrm.SALES_CRM)
	shown = account("CRM Organization", org, fcrm.SALES_CRM)
	assert shown["permitted"] is True and shown["companies"][0].overdue_amount == 500
	# someone Frappe CRM does not let read deals is refused before anything is read
	with pytest.raises(frappe.PermissionError):
		account("CRM Deal", deal.name, "crm.user@crm-pack.test")


def test_an_organization_without_a_customer_shows_no_panel():
	org = fcrm.organization()
	assert account("CRM Organization", org) == {"customer": None}


def test_the_crm_customer_shows_its_deals_as_frappe_crm_lets_the_reader_see_them():
	from crm_pack.api.customer_360 import get_customer_360

	org, won, customer = won_customer(value=5000)
	open_deal = fcrm.deal(org, status="Negotiation", value=1200, owner=fcrm.SALES)
	fcrm.deal(org, status="Lost", value=800, lost_reason="Other", lost_notes="Went elsewhere")
	data = get_customer_360(customer)
	assert {d.name for d in data["deals"]["deals"]} >= {won.name, open_deal.name}
	summary = data["deals"]["summary"]
	assert (summary["open"], summary["won"], summary["lost"]) == (1, 1, 1)
	currency = open_deal.currency
	assert summary["open_value"] == {currency: 1200.0} and summary["won_value"] == {currency: 5000.0}
	assert f'data-deal="{open_deal.name}"' in data["html"] and "Negotiation" in data["html"]
	# a CRM User who owns the customer but has no Frappe CRM role sees no deals
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", "crm.user@crm-pack.test")
	frappe.set_user("crm.user@crm-pack.test")
	try:
		data = get_customer_360(customer)
	finally:
		frappe.set_user("Administrator")
	assert data["deals"]["permitted"] is False and not data["deals"]["deals"]
	assert "Frappe CRM does not share its deals with you." in data["html"]
	# a salesperson restricted in Frappe CRM to one deal (a User Permission) sees only that one
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", fcrm.SALES_CRM)
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": fcrm.SALES_CRM,
			"allow": "CRM Deal",
			"for_value": open_deal.name,
		}
	).insert(ignore_permissions=True)
	frappe.set_user(fcrm.SALES_CRM)
	try:
		data = get_customer_360(customer)
	finally:
		frappe.set_user("Administrator")
	assert [d.name for d in data["deals"]["deals"]] == [open_deal.name]


def test_existing_organizations_are_linked_once_where_exactly_one_customer_fits():
	from crm_pack.api.frappe_crm import link_existing_organizations

	name = f"Legacy Org {frappe.generate_hash(length=6)}"
	legacy = factories.customer(name)
	twin_name = f"Twin Org {frappe.generate_hash(length=6)}"
	factories.customer(twin_name)
	factories.customer(twin_name)  # same customer name twice: a person decides
	org, twin_org = fcrm.organization(name), fcrm.organization(twin_name)
	frappe.set_user("crm.user@crm-pack.test")
	try:
		with pytest.raises(frappe.PermissionError):
			link_existing_organizations()
	finally:
		frappe.set_user("Administrator")
	result = link_existing_organizations()
	assert frappe.db.get_value("CRM Customer", legacy, "frappe_crm_organization") == org
	assert twin_org in result["ambiguous"] and len(result["ambiguous"][twin_org]) == 2
	assert not frappe.get_all("CRM Customer", filters={"frappe_crm_organization": twin_org})
	# once: a second run links nothing more for them
	again = link_existing_organizations()
	assert org not in again["ambiguous"] and twin_org in again["ambiguous"]


def test_renaming_or_deleting_the_organization_keeps_the_anchor_true():
	org, deal, customer = won_customer()
	new_name = f"{org} Renamed"
	frappe.rename_doc("CRM Organization", org, new_name, force=True)
	assert frappe.db.get_value("CRM Customer", customer, "frappe_crm_organization") == new_name
	frappe.delete_doc("CRM Deal", deal.name, ignore_permissions=True, force=True)
	frappe.delete_doc("CRM Organization", new_name, ignore_permissions=True, force=True)
	assert not frappe.db.get_value("CRM Customer", customer, "frappe_crm_organization")


def test_the_switch_in_crm_pack_settings_takes_the_panel_away_and_back():
	from crm_pack.frappe_crm import switch

	def in_place():
		layouts = [
			json.loads(frappe.db.get_value("CRM Fields Layout", {"dt": dt, "type": "Side Panel"}, "layout"))
			for dt in switch.DOCTYPES
		]
		return {
			"fields": frappe.db.count("Custom Field", {"fieldname": switch.FIELD}),
			"sections": sum(1 for sections in layouts for s in sections if s.get("name") == switch.SECTION),
			"scripts": frappe.db.count("CRM Form Script", {"name": ("in", list(switch.SCRIPTS.values()))}),
		}

	assert in_place() == {"fields": 2, "sections": 2, "scripts": 2}
	org, deal, customer = won_customer()
	settings = frappe.get_single("CRM Pack Settings")
	settings.frappe_crm_bridge_off = 1
	settings.save(ignore_permissions=True)
	try:
		assert in_place() == {"fields": 0, "sections": 0, "scripts": 0}
		assert account("CRM Deal", deal.name) == {}
		from crm_pack.api.customer_360 import get_customer_360

		assert get_customer_360(customer)["deals"] is None
	finally:
		settings.reload()
		settings.frappe_crm_bridge_off = 0
		settings.save(ignore_permissions=True)
	assert in_place() == {"fields": 2, "sections": 2, "scripts": 2}
	assert account("CRM Deal", deal.name)["customer"] == customer


def test_a_deal_with_promise_shows_it_in_the_customer_currency():
	org, deal, customer = won_customer()
	invoice = overdue_invoice(customer, 400, days_overdue=10)
	frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": customer,
			"channel": "Phone",
			"direction": "Inbound",
			"interaction_type": "Promise to Pay",
			"subject": "Pays Friday",
			"company": factories.company(),
			"promised_amount": 400,
			"promised_date": add_days(nowdate(), 5),
			"invoices": [{"sales_invoice": invoice.name}],
		}
	).insert()
	factories._settle()
	shown = account("CRM Organization", org)
	assert shown["open_promise_amount"] == 400
	assert frappe.utils.format_date(add_days(nowdate(), 5)) in shown["html"]


def test_frappe_crm_leaving_takes_the_bridge_with_it_and_arriving_brings_it_back():
	"""frappe calls these hooks around `uninstall-app crm` / `install-app crm`: the bridge's
	field, section, scripts and organization links go before Frappe CRM's tables do."""
	from crm_pack.frappe_crm import switch

	org, deal, customer = won_customer()
	switch.before_app_uninstall("crm")
	try:
		assert not frappe.db.count("Custom Field", {"fieldname": switch.FIELD})
		assert not frappe.db.count("CRM Form Script", {"name": ("in", list(switch.SCRIPTS.values()))})
		for dt in switch.DOCTYPES:
			layout = frappe.db.get_value("CRM Fields Layout", {"dt": dt, "type": "Side Panel"}, "layout")
			assert switch.SECTION not in layout
		assert not frappe.get_all("CRM Customer", filters={"frappe_crm_organization": ("is", "set")})
		switch.before_app_uninstall("erpnext")  # another app leaving changes nothing
	finally:
		switch.after_app_install("crm")
	assert frappe.db.count("Custom Field", {"fieldname": switch.FIELD}) == 2
	# linked again from what Frappe CRM wrote (the won deal's customer)
	assert frappe.db.get_value("CRM Customer", customer, "frappe_crm_organization") == org


def quotation_for(deal, rate, **values):
	"""A draft quotation for the deal as Frappe CRM's "Create Quotation" opens it on the same
	site: the deal is its party (quotation_to "CRM Deal") and it names the deal."""
	return frappe.get_doc(
		{
			"doctype": "Quotation",
			"quotation_to": "CRM Deal",
			"party_name": deal.name,
			"crm_deal": deal.name,
			"company": factories.company(),
			"items": [{"item_code": factories.ITEM, "qty": 1, "rate": rate}],
			**values,
		}
	).insert(ignore_permissions=True)


def test_quotations_and_orders_from_a_deal_show_on_the_crm_customer_and_on_the_deal():
	from crm_pack.api.customer_360 import get_customer_360

	org, deal, customer = won_customer(value=2500)
	order = fcrm.order_from_deal(deal, customer)
	quotation = frappe.db.get_value("Sales Order Item", {"parent": order.name}, "prevdoc_docname")
	draft = quotation_for(deal, 400)
	cancelled = quotation_for(deal, 900)
	cancelled.submit()
	cancelled.cancel()
	_other_org, other_deal, other_customer = won_customer()
	other_order = fcrm.order_from_deal(other_deal, other_customer)
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", fcrm.SALES_CRM)

	def seen():
		frappe.set_user(fcrm.SALES_CRM)  # a salesperson: Sales User and CRM User
		try:
			data = get_customer_360(customer)
			return next(d for d in data["deals"]["deals"] if d.name == deal.name), data["html"]
		finally:
			frappe.set_user("Administrator")

	shown, html = seen()
	assert {q.name: q.status for q in shown.quotations} == {quotation: "Ordered", draft.name: "Draft"}
	assert [(o.name, o.quotation, o.grand_total) for o in shown.orders] == [(order.name, quotation, 2500)]
	assert f'data-sales-order="{order.name}"' in html and "0% delivered, 0% billed" in html
	assert cancelled.name not in html and other_order.name not in html
	panel = account("CRM Deal", deal.name, fcrm.SALES_CRM)["html"]
	for name in (quotation, draft.name, order.name):
		assert f'data-name="{name}"' in panel
	assert cancelled.name not in panel and other_order.name not in panel
	# the order follows its billing: invoiced in full, it says so on both
	factories.invoice_from_order(order)
	shown, html = seen()
	assert shown.orders[0].per_billed == 100 and "0% delivered, 100% billed" in html
	# ERPNext decides what the reader may read: a salesperson whose sales orders are limited
	# to another company still sees the deal and its quotations, not its order
	frappe.permissions.add_user_permission(
		"Company", factories.eu_company(), fcrm.SALES_CRM, applicable_for="Sales Order"
	)
	shown, html = seen()
	assert {q.name for q in shown.quotations} == {quotation, draft.name} and shown.orders == []
	assert order.name not in html


def test_a_won_deal_starts_its_implementation_project_linked_to_deal_customer_and_order():
	from crm_pack.api.frappe_crm import start_implementation_project

	org, deal, customer = won_customer(value=2500)
	order = fcrm.order_from_deal(deal, customer)
	shown = account("CRM Deal", deal.name)
	assert shown["can_start_project"] is True and not shown["implementation_project"]
	# a Frappe CRM Sales User may read the deal but not start a project
	frappe.set_user(fcrm.SALES)
	try:
		with pytest.raises(frappe.PermissionError):
			start_implementation_project(deal.name)
	finally:
		frappe.set_user("Administrator")
	frappe.get_doc("User", "crm.manager@crm-pack.test").add_roles("Sales User")
	frappe.set_user("crm.manager@crm-pack.test")
	try:
		project = start_implementation_project(deal.name)
		again = start_implementation_project(deal.name)  # one project per deal
	finally:
		frappe.set_user("Administrator")
	assert again["name"] == project["name"]
	doc = frappe.get_doc("Implementation Project", project["name"])
	assert (doc.customer, doc.sales_order, doc.frappe_crm_deal) == (customer, order.name, deal.name)
	shown = account("CRM Deal", deal.name)
	assert shown["implementation_project"] == doc.name and shown["can_start_project"] is False


def test_a_deal_not_won_starts_no_project():
	from crm_pack.api.frappe_crm import start_implementation_project

	org, won, customer = won_customer()
	open_deal = fcrm.deal(org, status="Negotiation")
	assert account("CRM Deal", open_deal.name)["can_start_project"] is False
	with pytest.raises(frappe.ValidationError, match="not won"):
		start_implementation_project(open_deal.name)
	assert not frappe.db.exists("Implementation Project", {"frappe_crm_deal": open_deal.name})


def test_frappe_crm_notes_calls_and_tasks_show_on_the_crm_customer_timeline():
	from frappe.desk.form.load import getdoc

	org, deal, customer = won_customer()
	frappe.get_doc(
		{
			"doctype": "FCRM Note",
			"title": "Budget approved",
			"content": "<p>CFO signed <script>x()</script></p>",
			"reference_doctype": "CRM Deal",
			"reference_docname": deal.name,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "CRM Task",
			"title": "Send contract",
			"status": "Todo",
			"reference_doctype": "CRM Deal",
			"reference_docname": deal.name,
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "CRM Call Log",
			"id": f"call-{frappe.generate_hash(length=8)}",
			"type": "Outgoing",
			"status": "Completed",
			"from": "+100",
			"to": "+200",
			"reference_doctype": "CRM Deal",
			"reference_docname": deal.name,
		}
	).insert(ignore_permissions=True)
	getdoc("CRM Customer", customer)
	timeline = " ".join(e["content"] for e in frappe.response["docinfo"]["additional_timeline_content"])
	assert "Budget approved" in timeline and "CFO signed" in timeline and "<script" not in timeline
	assert "Send contract" in timeline and "Outgoing call on" in timeline
	assert f'href="/crm/deals/{deal.name}"' in timeline
	# someone Frappe CRM does not let read deals sees none of it, and the form still opens
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", "crm.user@crm-pack.test")
	frappe.set_user("crm.user@crm-pack.test")
	try:
		frappe.response["docinfo"] = {}
		getdoc("CRM Customer", customer)
		timeline = " ".join(e["content"] for e in frappe.response["docinfo"]["additional_timeline_content"])
	finally:
		frappe.set_user("Administrator")
	assert "Budget approved" not in timeline


def deal_email(deal, subject, sent_or_received, sender):
	"""An email on the deal as Frappe CRM files it (a Communication referencing the deal)."""
	return frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": sent_or_received,
			"subject": subject,
			"content": "<p>See the attached terms.</p>",
			"sender": sender,
			"recipients": "buyer@bridge-customer.test",
			"reference_doctype": "CRM Deal",
			"reference_name": deal.name,
		}
	).insert(ignore_permissions=True)


def test_frappe_crm_emails_on_the_deals_show_on_the_crm_customer_timeline():
	from frappe.desk.form.load import getdoc

	org, deal, customer = won_customer()
	deal_email(deal, "Our offer <b>v2</b>", "Sent", fcrm.SALES_CRM)
	deal_email(deal, "Re: Our offer", "Received", "buyer@bridge-customer.test")
	_other_org, other_deal, _other = won_customer()
	deal_email(other_deal, "Another customer's offer", "Sent", fcrm.SALES_CRM)
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", fcrm.SALES_CRM)

	def timeline_of(user):
		frappe.set_user(user)
		try:
			frappe.response["docinfo"] = {}
			getdoc("CRM Customer", customer)
			return " ".join(e["content"] for e in frappe.response["docinfo"]["additional_timeline_content"])
		finally:
			frappe.set_user("Administrator")

	# the salesperson has no email account of their own, which hides emails in frappe's lists,
	# yet Frappe CRM shows them the deal's emails: so does the CRM Customer
	timeline = timeline_of(fcrm.SALES_CRM)
	assert "Email sent by" in timeline and "Our offer &lt;b&gt;v2&lt;/b&gt;" in timeline
	assert "Email from buyer@bridge-customer.test" in timeline and "Re: Our offer" in timeline
	assert f'href="/crm/deals/{deal.name}"' in timeline
	assert "Another customer's offer" not in timeline
	# a reader Frappe CRM does not let read the deal sees none of them
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", "crm.user@crm-pack.test")
	assert "Our offer" not in timeline_of("crm.user@crm-pack.test")
