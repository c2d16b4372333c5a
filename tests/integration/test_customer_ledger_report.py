"""The CRM Customer Ledger report agrees with ERPNext's General Ledger and Accounts Receivable."""

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

from crm_pack.crm_pack.report.crm_customer_ledger.crm_customer_ledger import execute
from tests.integration import factories


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


def test_crm_user_sees_only_customers_they_may_read(history):
	"""A CRM User sees the customers they own or are on the team of (record-level access)."""
	other = factories.customer()
	factories.sales_invoice(other, 60)
	teamed = factories.customer()
	factories.sales_invoice(teamed, 70)
	frappe.db.set_value("CRM Customer", history, "relationship_owner", "crm.user@crm-pack.test")
	crm = frappe.get_doc("CRM Customer", teamed)
	crm.append("team", {"user": "crm.user@crm-pack.test", "team_role": "Support"})
	crm.save()
	frappe.set_user("crm.user@crm-pack.test")
	_cols, data, *_ = execute(filters(None))
	assert {r["customer"] for r in data if r.get("customer")} >= {history, teamed}
	assert other not in {r.get("customer") for r in data}
	with pytest.raises(frappe.PermissionError):
		execute(filters(other))
