"""Scheduled statements of account (CRM Statement Schedule).

The daily job picks the enabled schedules whose next run date has come, moves each to its
next date and queues its customers in chunks on the long queue (deduplicated job ids per
schedule, period and chunk). A chunk job sends one statement per customer, each in its
own transaction, and adds its counts to the schedule's last run.

Why it keeps running and never sends twice:
- the period is the whole month or quarter before the run (rules/statement.py), so the
  same run started again states the same period, and a customer's Statement interaction
  for that company and period is checked (under a lock on the customer) before sending;
- editing a schedule never clears its next run date (the controller moves a run that is
  still ahead, and keeps one that is due); nothing but this job changes it after save;
- a customer without an email is counted as skipped, one whose statement fails as
  failed (logged), and neither stops the others.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Abs, Coalesce, Max, Sum
from frappe.utils import getdate, now_datetime, nowdate
from frappe.utils.nestedset import get_descendants_of

from crm_pack.credit_control import statements
from crm_pack.credit_control.rules import statement as rules
from crm_pack.ledger.rules.figures import ZERO

DOCTYPE = "CRM Statement Schedule"
CHUNK_SIZE = 200
QUEUE = "long"
CHUNK_TIMEOUT = 3 * 3600  # a statement's PDF takes about a second; 200 with room to spare
COUNTS = ("sent", "already_sent", "skipped_no_email", "failed")
PROBLEMS_KEPT = 200  # customer names listed on the schedule per run, at most


def run_due_schedules(today=None) -> list[dict]:
	"""The daily job. One schedule that fails is logged and the others still run."""
	today = getdate(today or nowdate())
	started = []
	for name in frappe.get_all(
		DOCTYPE,
		filters={"enabled": 1, "next_run_date": ("<=", today)},
		pluck="name",
		order_by="next_run_date asc, name asc",
	):
		frappe.db.savepoint("crm_statement_schedule")
		try:
			started.append(start_run(name, today))
		except Exception:
			frappe.db.rollback(save_point="crm_statement_schedule")
			frappe.log_error(title=f"crm_pack: statement schedule {name} could not start")
	return started


def start_run(name: str, today=None) -> dict:
	"""Moves the schedule to its next date, resets its last-run counts and queues its
	customers (after this transaction commits, so a chunk sees the schedule's new state)."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	today = getdate(today or nowdate())
	if not EmailAccount.find_default_outgoing():
		# the schedule stays due, and goes out on the first day there is an account
		frappe.throw(
			_("Statement schedule {0} waits for a default outgoing Email Account.").format(name),
			frappe.OutgoingEmailError,
		)
	schedule = frappe.get_doc(DOCTYPE, name, for_update=True)
	from_date, to_date = rules.period_for_run(schedule.frequency, today)
	customers = candidates(schedule, from_date, to_date)
	chunks = rules.chunks(customers, CHUNK_SIZE)
	values = {
		"next_run_date": rules.next_run_date(schedule.frequency, schedule.day_of_period, today),
		"last_run_on": now_datetime(),
		"last_run_from": from_date,
		"last_run_to": to_date,
		"last_run_customers": len(customers),
		"last_run_problems": "",
		**{f"last_run_{c}": 0 for c in COUNTS},
	}
	# db_set: the controller's date rules are for people's edits, not for the run itself
	schedule.db_set(values, update_modified=False)
	jobs = []
	for index, chunk in enumerate(chunks):
		job_id = chunk_job_id(name, from_date, index)
		frappe.enqueue(
			"crm_pack.credit_control.statement_schedules.send_chunk",
			queue=QUEUE,
			timeout=CHUNK_TIMEOUT,
			job_id=job_id,
			deduplicate=True,
			enqueue_after_commit=True,
			schedule=name,
			customers=chunk,
			from_date=str(from_date),
			to_date=str(to_date),
		)
		jobs.append(job_id)
	return {
		"schedule": name,
		"from_date": from_date,
		"to_date": to_date,
		"customers": customers,
		"jobs": jobs,
	}


def chunk_job_id(schedule: str, from_date, index: int) -> str:
	return f"crm_pack::statements::{schedule}::{from_date}::{index}"


def candidates(schedule, from_date, to_date) -> list[str]:
	"""The company's customers with something to state: a balance at To Date or a posting
	in the period (one grouped read of the company's customer postings), narrowed to the
	schedule's customer group (with its subgroups) and ABC tier."""
	gle, crm = frappe.qb.DocType("GL Entry"), frappe.qb.DocType("CRM Customer")
	query = (
		frappe.qb.from_(gle)
		.join(crm)
		.on(crm.name == gle.party)
		.select(gle.party)
		.where(gle.company == schedule.company)
		.where(gle.party_type == "Customer")
		.where(gle.is_cancelled == 0)
		.where(gle.posting_date <= to_date)
		.groupby(gle.party)
		.having((Abs(Sum(gle.debit - gle.credit)) >= ZERO) | (Max(gle.posting_date) >= from_date))
		.orderby(gle.party)
	)
	if schedule.customer_group:
		groups = [schedule.customer_group, *get_descendants_of("Customer Group", schedule.customer_group)]
		query = query.where(crm.customer_group.isin(groups))
	if schedule.abc_tier:
		query = query.where(crm.abc_tier == schedule.abc_tier)
	return query.run(pluck=True)


def send_chunk(
	schedule: str, customers: list[str], from_date: str, to_date: str, commit: bool = True
) -> dict:
	"""One chunk: each customer in its own transaction when `commit` (a job), so a failure
	or a timeout keeps what was sent and a rerun skips it."""
	company = frappe.db.get_value(DOCTYPE, schedule, "company")
	counts = dict.fromkeys(COUNTS, 0)
	problems = []
	for customer in customers:
		outcome = _send_one(customer, company, from_date, to_date)
		counts[outcome] += 1
		if outcome in ("skipped_no_email", "failed"):
			problems.append(customer)
		if commit:
			frappe.db.commit()
	_add_to_last_run(schedule, counts, problems)
	if commit:
		frappe.db.commit()
	return counts


def _send_one(customer: str, company: str, from_date: str, to_date: str) -> str:
	frappe.db.savepoint("crm_statement")
	try:
		# one sender at a time per customer (two schedules may cover the same customer)
		frappe.db.get_value("CRM Customer", customer, "name", for_update=True)
		if statements.already_sent(customer, company, from_date, to_date):
			return "already_sent"
		recipient = statements.default_recipient(customer)
		if not recipient:
			return "skipped_no_email"
		statement = statements.build(customer, company, from_date, to_date)
		statements.send(customer, company, recipient, statement=statement)
		return "sent"
	except Exception:
		frappe.db.rollback(save_point="crm_statement")
		frappe.log_error(
			title=f"crm_pack: statement for {customer} failed",
			reference_doctype="CRM Customer",
			reference_name=customer,
		)
		return "failed"


def _add_to_last_run(schedule: str, counts: dict, problems: list[str]) -> None:
	"""Added in the database: chunks of one run may finish in any order, on any worker."""
	listed = frappe.db.get_value(DOCTYPE, schedule, "last_run_problems", for_update=True) or ""
	t = frappe.qb.DocType(DOCTYPE)
	query = frappe.qb.update(t).where(t.name == schedule)
	for c in COUNTS:
		query = query.set(t[f"last_run_{c}"], Coalesce(t[f"last_run_{c}"], 0) + counts[c])
	query.run()
	if problems:
		kept = (listed.splitlines() + problems)[:PROBLEMS_KEPT]
		frappe.db.set_value(DOCTYPE, schedule, "last_run_problems", "\n".join(kept), update_modified=False)
