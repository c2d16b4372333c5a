"""What ERPNext's own reports say about a customer: the yardstick for crm_pack's figures."""

import frappe
from frappe.utils import getdate, nowdate


def receivable_rows(cust: str, company: str, as_of=None) -> list:
	"""Accounts Receivable's rows for the customer (ageing by due date) as of a date."""
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute

	_columns, rows, *_ = execute(
		frappe._dict(
			company=company,
			report_date=as_of or getdate(nowdate()),
			party_type="Customer",
			party=[cust],
			ageing_based_on="Due Date",
			range="30, 60, 90, 120",
		)
	)
	return [r for r in rows if r.get("party") == cust]


def receivable(cust: str, company: str) -> dict:
	"""Accounts Receivable (ageing by due date): outstanding, and the part past its due date."""
	today = getdate(nowdate())
	rows = receivable_rows(cust, company, today)
	outstanding = sum(r.outstanding for r in rows)
	overdue = sum(r.outstanding for r in rows if getdate(r.get("due_date") or r.posting_date) < today)
	return {"outstanding_amount": round(outstanding, 2), "overdue_amount": round(overdue, 2)}


def ledger_summary(cust: str, company: str) -> dict:
	"""Customer Ledger Summary over all time: billed (net of returns) and paid."""
	from erpnext.accounts.report.customer_ledger_summary.customer_ledger_summary import execute

	_columns, rows = execute(
		frappe._dict(company=company, from_date="1900-01-01", to_date=nowdate(), party=cust)
	)
	row = next((r for r in rows if r.party == cust), None)
	if not row:
		return {"total_billed": 0.0, "total_paid": 0.0}
	adjustments = sum(v for k, v in row.items() if k.startswith("adj_"))
	return {
		"total_billed": round(row.invoiced_amount - row.return_amount, 2),
		"total_paid": round(row.paid_amount + adjustments, 2),
	}


def expected(cust: str, company: str) -> dict:
	return {**receivable(cust, company), **ledger_summary(cust, company)}


def settle() -> None:
	"""What the end of the user's request does before its commit: crm_pack refreshes the
	customers the transaction touched (ledger/events.py). Tests read figures after it,
	without committing."""
	from crm_pack.ledger import events

	events.flush()


def stored(cust: str) -> dict:
	settle()
	values = frappe.db.get_value(
		"CRM Customer",
		cust,
		["outstanding_amount", "overdue_amount", "total_billed", "total_paid"],
		as_dict=True,
	)
	return {k: round(float(v or 0), 2) for k, v in values.items()}


def company_rows(cust: str) -> dict[str, dict]:
	"""The CRM Customer's figures per company, as the form shows them."""
	settle()
	rows = frappe.get_all(
		"CRM Customer Company Balance",
		filters={"parent": cust, "parenttype": "CRM Customer"},
		fields=["company", "currency", "outstanding_amount", "overdue_amount", "total_billed", "total_paid"],
	)
	return {
		r.company: {
			k: (round(float(v or 0), 2) if k not in ("company", "currency") else v) for k, v in r.items()
		}
		for r in rows
	}


def expected_per_company(cust: str, companies) -> dict[str, dict]:
	"""What Accounts Receivable and the Customer Ledger Summary say, company by company
	(companies where the customer has nothing are left out)."""
	out = {}
	for company in companies:
		figures = expected(cust, company)
		if any(figures.values()):
			out[company] = figures
	return out
