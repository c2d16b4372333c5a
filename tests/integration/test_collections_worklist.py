"""Late orders, credit-limit use and payment behaviour on the CRM Customer, the collector's
worklist and logging a call, on the real site against ERPNext's own figures."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from crm_pack.api import collections
from crm_pack.credit_control import behaviour
from crm_pack.credit_control import worklist as worklist_reads
from crm_pack.crm_pack.report.collections_worklist import collections_worklist as report
from crm_pack.ledger import store
from tests.integration import books, factories

SALES = "crm.sales@crm-pack.test"  # CRM User + Sales User (read on Company)


def today():
	return getdate(nowdate())


def balance(cust: str, company: str | None = None) -> dict:
	books.settle()
	return frappe.db.get_value(
		"CRM Customer Company Balance",
		{"parent": cust, "company": company or factories.company()},
		["late_order_count", "late_order_amount", "credit_limit", "credit_used_percent", "overdue_amount"],
		as_dict=True,
	) or frappe._dict(late_order_count=0, late_order_amount=0, credit_limit=0, credit_used_percent=0)


def header(cust: str) -> dict:
	books.settle()
	return frappe.db.get_value(
		"CRM Customer",
		cust,
		["late_order_count", "late_order_amount", "credit_used_percent", "currency"],
		as_dict=True,
	)


def late_order(cust: str, rate: float, qty: float = 1, days_late: int = 3):
	"""An order whose delivery date passed `days_late` days ago."""
	return factories.sales_order(cust, rate, qty, transaction_date=add_days(today(), -(7 + days_late)))


def deliver(order, qty: float | None = None):
	from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

	dn = make_delivery_note(order.name)
	if qty is not None:
		for item in dn.items:
			item.qty = qty
	dn.insert(ignore_permissions=True)
	dn.submit()
	books.settle()
	return dn


# --- late orders ---------------------------------------------------------------------------


def test_late_orders_appear_once_the_delivery_date_passes_and_go_when_delivered():
	cust = factories.customer()
	order = factories.sales_order(cust, 100, qty=4)  # due for delivery in 7 days
	assert balance(cust).late_order_count == 0
	# the calendar moves past the delivery date: what the nightly recompute stores then
	later = store.read_figures([cust], on_date=add_days(today(), 8))[cust]
	assert later.companies[factories.company()].late_order_count == 1
	assert later.late_order_amount == order.base_grand_total

	late = late_order(cust, 50, qty=4)  # 200, late already
	row = balance(cust)
	assert (row.late_order_count, row.late_order_amount) == (1, late.base_grand_total)
	assert (header(cust).late_order_count, header(cust).late_order_amount) == (1, 200)

	deliver(late, qty=1)  # in the same transaction: a quarter delivered, three quarters late
	assert balance(cust).late_order_amount == 150
	deliver(late)  # the rest
	assert balance(cust).late_order_count == 0
	assert header(cust).late_order_amount == 0


def test_closing_or_holding_a_late_order_takes_it_off():
	from erpnext.selling.doctype.sales_order.sales_order import update_status

	cust = factories.customer()
	late = late_order(cust, 80)
	assert balance(cust).late_order_count == 1
	update_status("On Hold", late.name)
	assert balance(cust).late_order_count == 0
	update_status("Draft", late.name)  # "Re-open"/"Resume" sets the status from the figures again
	assert balance(cust).late_order_count == 1
	update_status("Closed", late.name)
	assert balance(cust).late_order_count == 0


def test_late_orders_per_company():
	cust = factories.customer()
	late_order(cust, 60)
	other = _company_order(factories.eu_company(), cust, 40)
	rows = {company: balance(cust, company) for company in (factories.company(), other.company)}
	assert rows[factories.company()].late_order_amount == 60
	assert rows[other.company].late_order_amount == 40
	assert rows[other.company].late_order_count == 1
	assert header(cust).late_order_count == 2


def _company_order(company: str, cust: str, rate: float):
	day = add_days(today(), -10)
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": company,
			"customer": cust,
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"transaction_date": day,
			"delivery_date": add_days(day, 7),
			"items": [
				{
					"item_code": factories.ITEM,
					"qty": 1,
					"rate": rate,
					"delivery_date": add_days(day, 7),
					"warehouse": frappe.db.get_value("Warehouse", {"company": company, "is_group": 0}),
				}
			],
		}
	).insert(ignore_permissions=True)
	doc.submit()
	books.settle()
	return doc


# --- credit limit use ----------------------------------------------------------------------


def _credit_limit(cust: str, limit: float, company: str | None = None) -> None:
	doc = frappe.get_doc("Customer", cust)
	doc.append("credit_limits", {"company": company or factories.company(), "credit_limit": limit})
	doc.save(ignore_permissions=True)


def test_credit_use_equals_erpnext_customer_outstanding_over_its_credit_limit():
	from erpnext.selling.doctype.customer.customer import get_credit_limit, get_customer_outstanding

	cust = factories.customer()
	_credit_limit(cust, 1000)
	invoice = factories.sales_invoice(cust, 300)
	factories.sales_order(cust, 200)  # unbilled: counts in ERPNext's credit check
	factories.payment(invoice, 100)
	company = factories.company()
	outstanding = get_customer_outstanding(cust, company)
	limit = get_credit_limit(cust, company)
	assert (outstanding, limit) == (400, 1000)
	row = balance(cust)
	assert row.credit_limit == limit
	assert row.credit_used_percent == round(outstanding / limit * 100, 1) == 40
	assert header(cust).credit_used_percent == 40

	# over the limit: ERPNext lets its credit controller submit past it
	frappe.db.set_single_value("Accounts Settings", "credit_controller", "System Manager")
	factories.sales_invoice(cust, 900)
	assert header(cust).credit_used_percent == round(get_customer_outstanding(cust, company) / limit * 100, 1)
	assert header(cust).credit_used_percent == 130


def test_credit_limit_of_the_customer_group_applies_when_the_customer_has_none():
	from erpnext.selling.doctype.customer.customer import get_credit_limit

	cust = factories.customer()
	group = frappe.get_doc("Customer Group", frappe.db.get_value("Customer", cust, "customer_group"))
	group.append("credit_limits", {"company": factories.company(), "credit_limit": 500})
	group.save(ignore_permissions=True)
	factories.sales_invoice(cust, 100)
	assert balance(cust).credit_limit == get_credit_limit(cust, factories.company()) == 500
	assert balance(cust).credit_used_percent == 20


def _delivery_without_order(cust: str, rate: float):
	doc = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": factories.company(),
			"customer": cust,
			"posting_date": nowdate(),
			"items": [{"item_code": factories.ITEM, "qty": 1, "rate": rate}],
		}
	).insert(ignore_permissions=True)
	doc.submit()
	books.settle()
	return doc


def test_a_delivery_without_an_order_counts_in_credit_use_until_closed_and_again_when_reopened():
	"""ERPNext's credit check counts a delivery note made without an order while it is open.
	After an invoice crm_pack reads a customer's delivery notes only once it has some
	(ledger_parts): closing and reopening one, which no document event reports, loses none."""
	from erpnext.selling.doctype.customer.customer import get_customer_outstanding
	from erpnext.stock.doctype.delivery_note.delivery_note import update_delivery_note_status

	cust = factories.customer()
	_credit_limit(cust, 1000)
	factories.sales_invoice(cust, 100)
	company = factories.company()

	def erpnext_used() -> float:
		return round(get_customer_outstanding(cust, company) / 1000 * 100, 1)

	delivery = _delivery_without_order(cust, 200)
	assert header(cust).credit_used_percent == erpnext_used() == 30
	update_delivery_note_status(delivery.name, "Closed")
	factories.sales_invoice(cust, 50)
	assert header(cust).credit_used_percent == erpnext_used() == 15
	update_delivery_note_status(delivery.name, "Submitted")  # the form's Reopen
	factories.sales_invoice(cust, 50)
	assert header(cust).credit_used_percent == erpnext_used() == 40


# --- payment behaviour ---------------------------------------------------------------------


def test_days_to_pay_reliability_and_dso_from_known_invoices_and_payments():
	cust = factories.customer()
	t = today()

	def invoice(rate, posted_ago):
		return factories.sales_invoice(cust, rate, posting_date=add_days(t, -posted_ago), due_days=30)

	a = invoice(100, 100)  # due 70 days ago, paid 80 days ago: 20 days, on time
	b = invoice(300, 60)  # due 30 days ago, paid 10 days ago: 50 days, late
	c = invoice(100, 200)  # due 170 days ago, paid 150 days ago: 50 days, late
	invoice(200, 10)  # open
	factories.payment(a, posting_date=add_days(t, -80))
	factories.payment(b, posting_date=add_days(t, -10))
	factories.payment(c, posting_date=add_days(t, -150))

	behaviour.refresh([cust])
	stored = frappe.db.get_value(
		"CRM Customer",
		cust,
		["avg_days_to_pay", "days_to_pay_trend", "payment_reliability", "dso_days", "behaviour_updated_on"],
		as_dict=True,
	)
	# by hand: (100×20 + 300×50 + 100×50) / 500
	assert stored.avg_days_to_pay == 44.0
	# last 90 days: a and b, (100×20 + 300×50) / 400 = 42.5; the 90 before: c, 50
	assert stored.days_to_pay_trend == -7.5
	# paid by the due date: 100 of 500
	assert stored.payment_reliability == 20.0
	# receivable 200 over 700 billed in the last 365 days × 365
	assert books.receivable(cust, factories.company())["outstanding_amount"] == 200
	assert stored.dso_days == round(200 / 700 * 365, 1)
	assert stored.behaviour_updated_on


def test_nightly_measures_behaviour_again_when_a_payment_crosses_a_window_edge_not_before():
	cust = factories.customer()
	t = today()
	a = factories.sales_invoice(cust, 100, posting_date=add_days(t, -120), due_days=30)
	factories.payment(a, posting_date=add_days(t, -87))  # 33 days: in the last 90 days for 3 more
	b = factories.sales_invoice(cust, 100, posting_date=add_days(t, -200), due_days=30)
	factories.payment(b, posting_date=add_days(t, -150))  # 50 days: in the 90 before

	def measured():
		return frappe.db.get_value(
			"CRM Customer",
			cust,
			["days_to_pay_trend", "behaviour_updated_on", "behaviour_due_on"],
			as_dict=True,
		)

	behaviour.recompute_all(today=t)
	first = measured()
	assert first.days_to_pay_trend == 33 - 50
	assert first.behaviour_due_on == add_days(t, 3)  # when a's payment leaves the last 90 days
	frappe.db.set_value("CRM Customer", cust, "analytics_dirty", 0)  # as after tonight's analytics

	behaviour.recompute_all(today=add_days(t, 2))  # a quiet day: nothing to measure again
	assert measured() == first

	behaviour.recompute_all(today=add_days(t, 3))  # the edge: both payments now in the 90 before
	after = measured()
	assert after.days_to_pay_trend == 0 and after.behaviour_updated_on > first.behaviour_updated_on
	# b's payment leaves the 90 before on t + 30; a week on comes first (the weekly net)
	assert after.behaviour_due_on == add_days(t, 3 + 7)


def test_the_360_says_behaviour_is_measured_nightly_until_it_is():
	from crm_pack.api.customer_360 import get_customer_360

	cust = factories.customer()
	invoice = factories.sales_invoice(cust, 100, posting_date=add_days(today(), -40), due_days=30)
	factories.payment(invoice, posting_date=add_days(today(), -5))
	note = "Measured every night by the customer analytics run; not measured for this customer yet."
	assert note in get_customer_360(cust)["html"]

	behaviour.refresh([cust])
	html = get_customer_360(cust)["html"]
	assert note not in html and "35.0 days" in html  # average days to pay: 40 − 5


def test_nightly_run_measures_behaviour_and_raises_money_signals_in_churn():
	from crm_pack.analytics import nightly
	from crm_pack.utils.rendered_texts import render

	cust = factories.customer()
	_credit_limit(cust, 100)
	frappe.db.set_single_value("Accounts Settings", "credit_controller", "System Manager")
	for ago in (200, 150, 100, 50):
		factories.sales_invoice(cust, 100, posting_date=add_days(today(), -ago))
	late_order(cust, 10)
	nightly.recompute_all()
	codes = frappe.db.get_value("CRM Customer", cust, "churn_risk_reason_codes")
	assert "Over the credit limit" in codes and "Late deliveries" in codes
	assert "Over the credit limit: 410% of it in use." in render(codes)
	assert frappe.db.get_value("CRM Customer", cust, "behaviour_updated_on")


# --- the worklist ----------------------------------------------------------------------------


@pytest.fixture
def overdue_customers():
	"""Two customers with overdue invoices in the default company, one of them the sales
	user's; and one whose invoice is not due yet."""
	t = today()
	mine, theirs, current = factories.customer(), factories.customer(), factories.customer()
	factories.sales_invoice(mine, 150, posting_date=add_days(t, -40), due_days=10)
	factories.sales_invoice(mine, 70, posting_date=add_days(t, -20), due_days=5)
	factories.sales_invoice(mine, 500, due_days=30)
	factories.sales_invoice(theirs, 900, posting_date=add_days(t, -15), due_days=3)
	factories.sales_invoice(current, 400)
	frappe.db.set_value("CRM Customer", mine, "collector", SALES)
	return frappe._dict(mine=mine, theirs=theirs, current=current)


def _rows(**filters):
	return {(r["customer"], r["company"]): r for r in report.execute(filters)[1]}


def test_worklist_rows_equal_accounts_receivable_overdue(overdue_customers):
	company = factories.company()
	rows = _rows(company=company)
	assert (overdue_customers.current, company) not in rows
	for cust in (overdue_customers.mine, overdue_customers.theirs):
		expected = books.receivable(cust, company)["overdue_amount"]
		assert rows[(cust, company)]["overdue_amount"] == expected
	mine = rows[(overdue_customers.mine, company)]
	assert mine["overdue_amount"] == 220
	assert mine["oldest_due_date"] == add_days(today(), -30)
	assert mine["days_overdue"] == 30
	assert mine["collector"] == SALES
	assert mine["next_action"] == "Call: never contacted about payment."
	# largest overdue first
	names = [r["customer"] for r in report.execute({"company": company})[1]]
	assert names.index(overdue_customers.theirs) < names.index(overdue_customers.mine)


def test_worklist_is_per_company_without_a_company_filter(overdue_customers):
	eu = factories.eu_company()
	factories.invoice_in(eu, overdue_customers.mine, 80, posting_date=add_days(today(), -40), due_days=10)
	rows = _rows()
	assert (
		rows[(overdue_customers.mine, eu)]["overdue_amount"]
		== books.receivable(overdue_customers.mine, eu)["overdue_amount"]
	)
	assert rows[(overdue_customers.mine, eu)]["currency"] == "EUR"
	assert rows[(overdue_customers.mine, factories.company())]["overdue_amount"] == 220


def test_next_action_follows_contacts_and_promises(overdue_customers):
	cust = overdue_customers.mine
	collections.log_call(cust, "No Answer", company=factories.company())
	row = _rows(company=factories.company())[(cust, factories.company())]
	assert row["last_contact"]
	assert row["next_action"].startswith("Remind: overdue since")
	frappe.db.set_value(
		"CRM Customer", cust, {"open_promise_amount": 100, "open_promise_date": add_days(today(), 2)}
	)
	row = _rows(company=factories.company())[(cust, factories.company())]
	assert row["next_action"].startswith("Wait: ")


def test_crm_user_sees_only_their_customers(overdue_customers):
	"""A CRM User sees the customers they collect, own or are on the team of; "my customers"
	narrows that to the ones they collect or own."""
	frappe.set_user(SALES)
	assert list(_rows(company=factories.company(), my_customers=1)) == [
		(overdue_customers.mine, factories.company())
	]
	assert list(_rows(company=factories.company())) == [(overdue_customers.mine, factories.company())]
	frappe.set_user("Administrator")
	crm = frappe.get_doc("CRM Customer", overdue_customers.theirs)
	crm.append("team", {"user": SALES, "team_role": "Sales"})
	crm.save(ignore_permissions=True)
	frappe.set_user(SALES)
	assert (overdue_customers.theirs, factories.company()) in _rows(company=factories.company())
	assert (overdue_customers.theirs, factories.company()) not in _rows(
		company=factories.company(), my_customers=1
	)


@pytest.fixture
def restricted_to_eu():
	"""A sales user (CRM User + Sales User) who may see only the EU company's books (a User
	Permission). A user of their own: frappe caches user permissions outside the database."""
	email = f"collector.{frappe.generate_hash(length=8)}@crm-pack.test"
	frappe.get_doc(
		{"doctype": "User", "email": email, "first_name": "Collector", "send_welcome_email": 0}
	).insert(ignore_permissions=True)
	frappe.get_doc("User", email).add_roles("CRM User", "Sales User")
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": email,
			"allow": "Company",
			"for_value": factories.eu_company(),
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)
	return email


def test_a_user_restricted_to_another_company_sees_none(overdue_customers, restricted_to_eu):
	frappe.db.set_value(
		"CRM Customer",
		overdue_customers.mine,
		{"relationship_owner": restricted_to_eu, "collector": restricted_to_eu},
	)
	home, eu = factories.company(), factories.eu_company()  # named as the administrator
	frappe.set_user(restricted_to_eu)
	assert worklist_reads.permitted_companies() == [eu]
	assert _rows() == {}
	with pytest.raises(frappe.PermissionError):
		report.execute({"company": home})


def test_empty_worklist_explains_what_fills_it():
	frappe.set_user("crm.user@crm-pack.test")  # no read on Company: nothing to show
	_columns, data, message, *_ = report.execute({})
	assert data == []
	assert "invoice past its due date" in message


def test_number_card_counts_the_readers_customers(overdue_customers):
	frappe.db.set_value("CRM Customer", overdue_customers.mine, "relationship_owner", SALES)
	frappe.set_user(SALES)
	card = collections.customers_to_chase()
	assert card["value"] == 1
	assert card["route_options"] == {"my_customers": 1}
	frappe.set_user("Administrator")
	assert collections.customers_to_chase()["value"] == worklist_reads.count_customers({})


def test_a_collector_nobody_assigned_customers_to_starts_with_everyones_overdue(overdue_customers):
	"""The collector's first view: an "only mine" list would say nobody is overdue."""
	frappe.set_user("accounts.user@crm-pack.test")
	assert collections.worklist_defaults() == {"my_customers": 0}
	card = collections.customers_to_chase()
	assert card["route_options"] == {"my_customers": 0}
	assert card["value"] == worklist_reads.count_customers({}) >= 2
	frappe.set_user("Administrator")
	frappe.db.set_value("CRM Customer", overdue_customers.mine, "collector", "accounts.user@crm-pack.test")
	frappe.set_user("accounts.user@crm-pack.test")
	assert collections.worklist_defaults() == {"my_customers": 1}
	assert collections.customers_to_chase()["value"] == 1


# --- logging a call ------------------------------------------------------------------------


def test_log_call_creates_the_interaction(overdue_customers):
	cust = overdue_customers.mine
	frappe.db.set_value("CRM Customer", cust, "relationship_owner", SALES)
	frappe.set_user(SALES)
	options = collections.log_call_options(cust, factories.company())
	assert "Promised to Pay" in [o["value"] for o in options["outcomes"]]
	assert len(options["invoices"]) == 3

	made = collections.log_call(cust, "No Answer", note="Rang twice", company=factories.company())
	doc = frappe.get_doc("Customer Interaction", made["name"])
	assert (doc.interaction_type, doc.channel, doc.handled_by, doc.call_outcome) == (
		"Payment Reminder",
		"Phone",
		SALES,
		"No Answer",
	)
	assert doc.outcome == "Rang twice"

	promised = collections.log_call(
		cust,
		"Promised to Pay",
		company=factories.company(),
		promised_amount=150,
		promised_date=str(add_days(today(), 5)),
	)
	doc = frappe.get_doc("Customer Interaction", promised["name"])
	assert (doc.interaction_type, doc.promised_amount, str(doc.promised_date)) == (
		"Promise to Pay",
		150,
		str(add_days(today(), 5)),
	)

	disputed_invoice = options["invoices"][0]["name"]
	disputed = collections.log_call(
		cust, "Disputed", company=factories.company(), invoices=frappe.as_json([disputed_invoice])
	)
	doc = frappe.get_doc("Customer Interaction", disputed["name"])
	assert doc.interaction_type == "Dispute"
	assert [r.sales_invoice for r in doc.invoices] == [disputed_invoice]


def test_a_call_names_the_invoices_a_promise_covers_and_the_part_disputed(overdue_customers):
	"""The collector ticks invoices in Log Call: a promise covers them (its amount, when not
	typed, what they still owe); a dispute holds the part named, not the whole invoice."""
	cust, company = overdue_customers.mine, factories.company()
	frappe.set_user(SALES)
	older, newer, _not_due = collections.log_call_options(cust)["invoices"]
	promised = collections.log_call(
		cust,
		"Promised to Pay",
		company=company,
		promised_date=str(add_days(today(), 7)),
		invoices=frappe.as_json([{"sales_invoice": older["name"]}, {"sales_invoice": newer["name"]}]),
	)
	doc = frappe.get_doc("Customer Interaction", promised["name"])
	assert sorted(r.sales_invoice for r in doc.invoices) == sorted([older["name"], newer["name"]])
	assert doc.promised_amount == 220 == older["outstanding_amount"] + newer["outstanding_amount"]

	disputed = collections.log_call(
		cust, "Disputed", company=company, invoices=[{"sales_invoice": older["name"], "amount": 50}]
	)
	doc = frappe.get_doc("Customer Interaction", disputed["name"])
	assert [(r.sales_invoice, r.amount) for r in doc.invoices] == [(older["name"], 50)]
	frappe.set_user("Administrator")
	assert frappe.db.get_value("CRM Customer", cust, "disputed_amount") == 50
	# the follow-up counts what is not disputed: Accounts Receivable's overdue less the part
	row = _rows(company=company)[(cust, company)]
	assert row["overdue_amount"] == books.receivable(cust, company)["overdue_amount"] == 220

	frappe.set_user(SALES)
	with pytest.raises(frappe.ValidationError, match="more than its outstanding"):
		collections.log_call(
			cust, "Disputed", company=company, invoices=[{"sales_invoice": newer["name"], "amount": 500}]
		)


def test_log_call_refuses_what_is_not_the_callers(overdue_customers):
	frappe.set_user(SALES)
	with pytest.raises(frappe.PermissionError):
		collections.log_call(overdue_customers.theirs, "No Answer")
	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError):
		collections.log_call(overdue_customers.mine, "Shouted")
	other = factories.sales_invoice(overdue_customers.theirs, 10)
	with pytest.raises(frappe.ValidationError):
		collections.log_call(overdue_customers.mine, "Disputed", invoices=[other.name])
