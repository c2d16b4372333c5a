"""The CRM Customer Ledger report agrees with ERPNext's General Ledger and Accounts Receivable."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from crm_pack.crm_pack.report.crm_customer_ledger.crm_customer_ledger import execute
from tests.integration import books, factories


@pytest.fixture
def history():
	cust = factories.customer()
	old = factories.sales_invoice(cust, 500, posting_date=add_days(nowdate(), -120), due_days=10)
	factories.payment(old, 200)
	recent = factories.sales_invoice(cust, 300, posting_date=add_days(nowdate(), -40), due_days=5)
	factories.credit_note(recent, qty=1)
	factories.sales_invoice(cust, 80)
	factories.advance_payment(cust, 25)
	return cust


def filters(cust, **extra):
	values = dict(
		company=factories.company(),
		customer=cust,
		from_date=add_days(nowdate(), -60),
		to_date=nowdate(),
		range="30, 60, 90, 120",
	)
	return frappe._dict({**values, **extra})


def general_ledger(cust):
	from erpnext.accounts.report.general_ledger.general_ledger import execute as gl_execute

	f = filters(cust)
	_cols, rows = gl_execute(
		frappe._dict(
			company=f.company,
			from_date=f.from_date,
			to_date=f.to_date,
			party_type="Customer",
			party=[cust],
			group_by="Group by Voucher (Consolidated)",
			include_dimensions=0,
		)
	)[:2]
	labelled = {str(r.get("account")).strip("'"): r for r in rows if isinstance(r, dict) and r.get("account")}
	return labelled


def test_totals_equal_general_ledger(history):
	_cols, data, *_ = execute(filters(history))
	ours = {r["voucher_type"]: r for r in data if r.get("is_total_row")}
	theirs = general_ledger(history)
	assert ours["Opening"]["balance"] == pytest.approx(theirs["Opening"]["balance"])
	assert ours["Total"]["debit"] == pytest.approx(theirs["Total"]["debit"])
	assert ours["Total"]["credit"] == pytest.approx(theirs["Total"]["credit"])
	assert ours["Closing (Opening + Total)"]["balance"] == pytest.approx(
		theirs["Closing (Opening + Total)"]["balance"]
	)
	postings = [r for r in data if not r.get("is_total_row")]
	assert postings[-1]["balance"] == pytest.approx(ours["Closing (Opening + Total)"]["balance"])
	assert all(getdate(r["posting_date"]) >= getdate(add_days(nowdate(), -60)) for r in postings)


def test_ageing_equals_accounts_receivable(history):
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute as ar_execute

	*_rest, chart, summary = execute(filters(history))
	_cols, rows, *_ = ar_execute(
		frappe._dict(
			company=factories.company(),
			report_date=nowdate(),
			party_type="Customer",
			party=[history],
			ageing_based_on="Due Date",
			range="30, 60, 90, 120",
		)
	)
	ar_buckets = [round(sum(r[f"range{i}"] for r in rows), 2) for i in range(1, 6)]
	assert chart["data"]["datasets"][0]["values"][1:] == ar_buckets
	open_total = next(s["value"] for s in summary if s["label"] == "Open (Payment Ledger)")
	assert open_total == pytest.approx(sum(r.outstanding for r in rows))


def test_users_without_access_cannot_run_it(history):
	from frappe.desk.query_report import run

	frappe.set_user("sales.only@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		run("CRM Customer Ledger", filters=filters(history))


def test_accounts_user_can_run_it(history):
	from frappe.desk.query_report import run

	frappe.set_user("accounts.user@crm-pack.test")
	result = run("CRM Customer Ledger", filters=filters(history))
	assert any(r.get("voucher_type") == "Sales Invoice" for r in result["result"] if isinstance(r, dict))


def test_bad_dates_are_refused(history):
	with pytest.raises(frappe.ValidationError, match="is after To Date"):
		execute(filters(history, from_date=nowdate(), to_date=add_days(nowdate(), -1)))


def test_crm_staff_see_only_customers_they_may_read(history):
	"""Sales staff (CRM User + Sales User) see the customers they own or are on the team of."""
	other = factories.customer()
	factories.sales_invoice(other, 60)
	teamed = factories.customer()
	factories.sales_invoice(teamed, 70)
	frappe.db.set_value("CRM Customer", history, "relationship_owner", "crm.sales@crm-pack.test")
	crm = frappe.get_doc("CRM Customer", teamed)
	crm.append("team", {"user": "crm.sales@crm-pack.test", "team_role": "Support"})
	crm.save()
	frappe.set_user("crm.sales@crm-pack.test")
	for cust in (history, teamed):
		_cols, data, *_ = execute(filters(cust))
		assert {r["customer"] for r in data} == {cust}
		assert any(r.get("voucher_type") == "Sales Invoice" for r in data)
	with pytest.raises(frappe.PermissionError):
		execute(filters(other))


def test_a_customer_is_required(history):
	"""Without a customer the report refuses to run, rather than read every customer's history."""
	with pytest.raises(frappe.ValidationError, match="one customer at a time"):
		execute(filters(None))


def test_users_who_may_not_read_the_company_are_refused(history):
	"""A CRM User alone has no read on Company (ERPNext gives it to Sales, Accounts, …)."""
	frappe.db.set_value("CRM Customer", history, "relationship_owner", "crm.user@crm-pack.test")
	frappe.set_user("crm.user@crm-pack.test")
	with pytest.raises(frappe.PermissionError, match="books of Company"):
		execute(filters(history))


# --- User Permissions, as ERPNext's receivable reports apply them ------------------------


def _user(*roles) -> str:
	email = f"ledger.{frappe.generate_hash(length=8)}@crm-pack.test"
	user = frappe.get_doc(
		{"doctype": "User", "email": email, "first_name": "Ledger", "send_welcome_email": 0}
	)
	user.insert(ignore_permissions=True)
	user.add_roles(*roles)
	return email


def _restrict(user, doctype, value):
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": user,
			"allow": doctype,
			"for_value": value,
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)


def _other_company() -> str:
	home = frappe.get_doc("Company", factories.company())
	return (
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": f"CRM Other {frappe.generate_hash(length=5)}",
				"abbr": frappe.generate_hash(length=4).upper(),
				"default_currency": home.default_currency,
				"country": home.country,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def _journal(cust, company, amount, cost_center=None):
	"""A debit to the customer in `company` (its receivable account against its income)."""
	c = frappe.get_doc("Company", company)
	je = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"company": company,
			"posting_date": nowdate(),
			"accounts": [
				{
					"account": c.default_receivable_account,
					"party_type": "Customer",
					"party": cust,
					"debit_in_account_currency": amount,
					"cost_center": cost_center or c.cost_center,
				},
				{
					"account": c.default_income_account,
					"credit_in_account_currency": amount,
					"cost_center": cost_center or c.cost_center,
				},
			],
		}
	)
	je.insert(ignore_permissions=True)
	je.submit()
	books.settle()  # the journal's request ends: the figures per company are written
	return je


def _closing(data):
	return next(r["balance"] for r in data if r.get("voucher_type") == "Closing (Opening + Total)")


def test_user_restricted_to_one_company_never_sees_another(history):
	"""A customer with postings in a second company: an accounts user restricted to the
	first by User Permission is refused the second company's ledger (and, as frappe applies
	User Permissions to the customer's per-company balances, that customer's record); a
	customer of the first company alone they see as the General Ledger shows it to them."""
	other = _other_company()
	both = factories.customer()
	factories.sales_invoice(both, 50)
	elsewhere = _journal(both, other, 999)
	_cols, all_of_other, *_ = execute(filters(both, company=other))
	assert elsewhere.name in {r.get("voucher_no") for r in all_of_other}
	assert _closing(all_of_other) == pytest.approx(999)

	user = _user("Accounts User")
	_restrict(user, "Company", factories.company())
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError, match="books of Company"):
		execute(filters(both, company=other))
	with pytest.raises(frappe.PermissionError):
		execute(filters(both))
	_cols, data, *_ = execute(filters(history))
	assert any(r.get("voucher_type") == "Sales Invoice" for r in data)
	assert _closing(data) == pytest.approx(general_ledger(history)["Closing (Opening + Total)"]["balance"])


def test_user_permissions_narrow_postings_as_general_ledger_does(history):
	"""A user restricted to the company's main cost center: a journal booked on another
	cost center is left out of the totals and the ageing, exactly as ERPNext's General
	Ledger and Accounts Receivable leave it out for that user; CRM staff (no role on GL
	Entry) are narrowed the same way."""
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute as ar_execute

	company = frappe.get_doc("Company", factories.company())
	side = frappe.get_doc(
		{
			"doctype": "Cost Center",
			"cost_center_name": f"CRM Side {frappe.generate_hash(length=5)}",
			"parent_cost_center": frappe.db.get_value(
				"Cost Center", {"company": company.name, "is_group": 1}
			),
			"company": company.name,
		}
	).insert(ignore_permissions=True)
	hidden = _journal(history, company.name, 4321, cost_center=side.name)
	_cols, everything, *_ = execute(filters(history))

	accounts = _user("Accounts User")
	sales = _user("CRM User", "Sales User")
	frappe.db.set_value("CRM Customer", history, "relationship_owner", sales)
	for user in (accounts, sales):
		_restrict(user, "Cost Center", company.cost_center)

	frappe.set_user(accounts)
	theirs = general_ledger(history)["Closing (Opening + Total)"]["balance"]
	_cols, ar_rows, *_ = ar_execute(
		frappe._dict(
			company=company.name,
			report_date=nowdate(),
			party_type="Customer",
			party=[history],
			ageing_based_on="Due Date",
			range="30, 60, 90, 120",
		)
	)
	for user in (accounts, sales):
		frappe.set_user(user)
		_cols, data, *_, summary = execute(filters(history))
		assert hidden.name not in {r.get("voucher_no") for r in data}
		assert _closing(data) == pytest.approx(theirs)
		assert _closing(data) == pytest.approx(_closing(everything) - 4321)
		open_total = next(s["value"] for s in summary if s["label"] == "Open (Payment Ledger)")
		assert open_total == pytest.approx(sum(r.outstanding for r in ar_rows))


def test_the_indexes_the_report_relies_on_exist():
	"""It reads GL Entry and Payment Ledger Entry by party: ERPNext's own indexes (declared
	in their doctype JSON), which crm_pack needs and must not add to ERPNext's tables."""
	for doctype in ("GL Entry", "Payment Ledger Entry"):
		leading = frappe.db.sql(
			"""select index_name, column_name from information_schema.statistics
			where table_schema = database() and table_name = %s and seq_in_index = 1""",
			f"tab{doctype}",
		)
		assert "party" in {column for _index, column in leading}, f"{doctype}: no index led by party"
