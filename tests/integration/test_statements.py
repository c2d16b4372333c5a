"""Statements of account: the same figures as the CRM Customer Ledger report and ERPNext's
General Ledger / Accounts Receivable, a PDF through frappe's print and PDF path in the
customer's language, sent through the Email Queue and logged on the timeline, and
scheduled runs that send each customer's statement once."""

import shutil
import subprocess
import unicodedata

import frappe
import pytest
from frappe.utils import add_days, fmt_money, getdate, nowdate

from crm_pack.api import statements as api
from crm_pack.credit_control import statement_schedules, statements
from crm_pack.crm_pack.report.crm_customer_ledger.crm_customer_ledger import execute as ledger_report
from crm_pack.interactions.timeline import interactions as timeline
from tests.integration import books, factories

ACCOUNTS = "accounts.user@crm-pack.test"


@pytest.fixture(autouse=True)
def outgoing_account():
	"""A site that emails has a default outgoing account (nothing is sent: the queue waits)."""
	if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "CRM Pack Statements",
				"email_id": "statements@crm-pack.test",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "smtp.crm-pack.invalid",  # never dialled: v16 tests a loopback server on save
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)


def with_email(cust: str, email: str | None = None) -> str:
	"""The customer's primary contact, with an email, as ERPNext's Customer form sets it."""
	email = email or f"buyer-{frappe.generate_hash(length=6)}@customer.test"
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Buyer",
			"is_primary_contact": 1,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": cust}],
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value("Customer", cust, "customer_primary_contact", contact.name)
	return email


@pytest.fixture
def history():
	"""Invoices before and in the period, a payment, a credit note, an advance, and an
	invoice of a second company in EUR."""
	cust = factories.customer()
	old = factories.sales_invoice(cust, 500, posting_date=add_days(nowdate(), -120), due_days=10)
	factories.payment(old, 200)
	recent = factories.sales_invoice(cust, 300, posting_date=add_days(nowdate(), -40), due_days=5)
	factories.credit_note(recent, qty=1)
	factories.sales_invoice(cust, 80)
	factories.advance_payment(cust, 25)
	factories.invoice_in(factories.eu_company(), cust, 70, posting_date=add_days(nowdate(), -10))
	return cust


FROM = lambda: getdate(add_days(nowdate(), -60))  # noqa: E731


def general_ledger(cust, company, from_date, to_date) -> dict:
	from erpnext.accounts.report.general_ledger.general_ledger import execute

	_cols, rows = execute(
		frappe._dict(
			company=company,
			from_date=from_date,
			to_date=to_date,
			party_type="Customer",
			party=[cust],
			group_by="Group by Voucher (Consolidated)",
			include_dimensions=0,
		)
	)[:2]
	return {str(r.get("account")).strip("'"): r for r in rows if isinstance(r, dict) and r.get("account")}


def test_statement_equals_the_ledger_report_and_general_ledger(history):
	company, today = factories.company(), getdate(nowdate())
	s = statements.build(history, company, FROM(), today)
	_cols, data, *_ = ledger_report(
		frappe._dict(company=company, customer=history, from_date=FROM(), to_date=today)
	)
	totals = {r["voucher_type"]: r for r in data if r.get("is_total_row")}
	rows = [r for r in data if not r.get("is_total_row")]
	assert s["opening"] == pytest.approx(totals["Opening"]["balance"])
	assert s["closing"] == pytest.approx(totals["Closing (Opening + Total)"]["balance"])
	assert [(line["voucher_no"], line["debit"], line["credit"], line["balance"]) for line in s["lines"]] == [
		(r["voucher_no"], r["debit"], r["credit"], pytest.approx(r["balance"])) for r in rows
	]
	gl = general_ledger(history, company, FROM(), today)
	assert s["opening"] == pytest.approx(gl["Opening"]["balance"])
	assert s["total_debit"] == pytest.approx(gl["Total"]["debit"])
	assert s["total_credit"] == pytest.approx(gl["Total"]["credit"])
	assert s["closing"] == pytest.approx(gl["Closing (Opening + Total)"]["balance"])
	# the payment, the credit note and the advance are postings of the period; the old
	# invoice is in the opening; invoices carry their due date
	kinds = {line["voucher_type"] for line in s["lines"]}
	assert {"Payment Entry", "Sales Invoice"} <= kinds
	invoices = [line for line in s["lines"] if line["voucher_type"] == "Sales Invoice" and line["debit"]]
	assert invoices and all(line["due_date"] for line in invoices)
	assert s["currency"] == frappe.get_cached_value("Company", company, "default_currency")


def test_ageing_equals_accounts_receivable(history):
	company, today = factories.company(), getdate(nowdate())
	s = statements.build(history, company, FROM(), today)
	rows = books.receivable_rows(history, company, today)
	assert s["ageing"]["buckets"] == [round(sum(r[f"range{i}"] for r in rows), 2) for i in range(1, 6)]
	assert s["ageing"]["total"] == pytest.approx(sum(r.outstanding for r in rows))
	overdue = sum(r.outstanding for r in rows if getdate(r.get("due_date") or r.posting_date) < today)
	assert s["ageing"]["overdue"] == pytest.approx(overdue)
	assert {i["sales_invoice"] for i in s["open_invoices"]} == {
		r.voucher_no for r in rows if r.voucher_type == "Sales Invoice" and r.outstanding > 0
	}


def test_a_second_company_states_its_own_books_in_its_currency(history):
	eu, today = factories.eu_company(), getdate(nowdate())
	s = statements.build(history, eu, FROM(), today)
	assert s["currency"] == "EUR"
	assert s["closing"] == pytest.approx(70)
	assert s["closing"] == pytest.approx(
		general_ledger(history, eu, FROM(), today)["Closing (Opening + Total)"]["balance"]
	)
	assert s["ageing"]["total"] == pytest.approx(
		sum(r.outstanding for r in books.receivable_rows(history, eu, today))
	)
	home = statements.build(history, factories.company(), FROM(), today)
	assert not {line["voucher_no"] for line in s["lines"]} & {line["voucher_no"] for line in home["lines"]}
	assert set(api.statement_options(history)["companies"]) == {factories.company(), eu}


def test_default_period_is_from_the_start_of_last_month_to_today(history):
	s = statements.build(history, factories.company())
	today = getdate(nowdate())
	assert s["to_date"] == today
	assert s["from_date"] == add_days(today.replace(day=1), -1).replace(day=1)


def test_pdf_comes_from_frappes_pdf_path_with_the_name_and_closing(history):
	company = factories.company()
	s = statements.build(history, company)
	closing = fmt_money(s["closing"], currency=s["currency"])
	html = statements.render(s, as_pdf=False)
	name = frappe.db.get_value("Customer", history, "customer_name")
	assert name in html and closing in html
	attachment = statements.statement_attachment(history, company)
	assert set(attachment) == {"fname", "fcontent"}
	assert attachment["fname"].endswith(".pdf")
	assert attachment["fcontent"][:4] == b"%PDF"
	if shutil.which("pdftotext"):
		text = subprocess.run(
			["pdftotext", "-", "-"], input=attachment["fcontent"], capture_output=True, check=True
		).stdout.decode()
		text = unicodedata.normalize("NFKC", text)  # the PDF's font sets "ff" as one ligature
		assert name in text and closing in text


def test_a_customer_in_chinese_gets_chinese_headings(history):
	frappe.db.set_value("Customer", history, "language", "zh")
	lang_before = frappe.local.lang
	html = statements.render(statements.build(history, factories.company()), as_pdf=False)
	assert "对账单" in html and "期初余额" in html and "结算余额" in html
	assert "Opening Balance" not in html
	assert frappe.local.lang == lang_before  # the reader keeps their language
	other = factories.customer()
	factories.sales_invoice(other, 10)
	english = statements.render(statements.build(other, factories.company()), as_pdf=False)
	assert "Opening Balance" in english and "Statement of Account" in english


def test_sending_queues_one_email_with_the_pdf_and_logs_it_on_the_timeline(history):
	email = with_email(history)
	company = factories.company()
	frappe.set_user(ACCOUNTS)
	result = api.send_statement(history, company)
	frappe.set_user("Administrator")
	assert result["recipient"] == email and email in result["message"]
	interaction = frappe.get_doc("Customer Interaction", result["interaction"])
	assert (interaction.interaction_type, interaction.channel, interaction.direction) == (
		"Statement",
		"Email",
		"Outbound",
	)
	assert interaction.company == company
	assert interaction.statement_to == getdate(nowdate())
	assert interaction.statement_from == add_days(getdate(nowdate()).replace(day=1), -1).replace(day=1)
	assert {i.sales_invoice for i in interaction.invoices}
	files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Customer Interaction", "attached_to_name": interaction.name},
		fields=["name", "file_name"],
	)
	assert len(files) == 1 and files[0].file_name.endswith(".pdf")
	assert frappe.get_doc("File", files[0].name).get_content()[:4] == b"%PDF"
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Customer Interaction", "reference_name": interaction.name},
		fields=["name", "attachments", "status", "message_id"],
	)
	assert len(queued) == 1 and queued[0].status == "Not Sent"
	assert frappe.parse_json(queued[0].attachments) == [{"fid": files[0].name}]
	assert frappe.get_all("Email Queue Recipient", filters={"parent": queued[0].name}, pluck="recipient") == [
		email
	]
	assert interaction.email_message_id == queued[0].message_id
	entries = " ".join(e["content"] for e in timeline("CRM Customer", history))
	assert "Statement" in entries and interaction.name in entries


def test_without_an_email_the_dialog_says_so_and_sending_asks_for_one(history):
	options = api.statement_options(history)
	assert options["recipient"] is None
	assert "no email address" in options["no_recipient_message"]
	with pytest.raises(frappe.ValidationError, match="no email address"):
		api.send_statement(history, factories.company())
	with pytest.raises(frappe.ValidationError, match="not a valid email"):
		api.send_statement(history, factories.company(), recipient="not-an-address")
	# a recipient typed in the dialog is enough
	assert api.send_statement(history, factories.company(), recipient="ap@customer.test")["interaction"]


def test_without_an_outgoing_email_account_the_collector_hears_it_before_filling_the_dialog(history):
	"""An Accounts User cannot set up an Email Account: the dialog says so when it opens
	and offers the download, and Send is refused with the same words, nothing logged."""
	with_email(history)
	account = frappe.db.get_value("Email Account", {"default_outgoing": 1, "enable_outgoing": 1})
	frappe.db.set_value("Email Account", account, "default_outgoing", 0)  # undone after the test
	frappe.set_user(ACCOUNTS)
	options = api.statement_options(history)
	assert "no outgoing email account" in options["no_email_account_message"]
	with pytest.raises(frappe.ValidationError, match="no outgoing email account"):
		api.send_statement(history, factories.company())
	frappe.set_user("Administrator")
	assert not frappe.get_all("Customer Interaction", {"customer": history, "interaction_type": "Statement"})
	frappe.db.set_value("Email Account", account, "default_outgoing", 1)
	assert api.statement_options(history)["no_email_account_message"] is None


def test_a_company_without_postings_is_refused(history):
	other = factories.customer()
	with pytest.raises(frappe.ValidationError, match="no postings in Company"):
		api.send_statement(other, factories.company(), recipient="x@customer.test")
	assert api.statement_options(other)["companies"] == []


def test_download_returns_the_pdf(history):
	frappe.set_user(ACCOUNTS)
	api.download_statement(history, factories.company())
	assert frappe.local.response.type == "pdf"
	assert frappe.local.response.filecontent[:4] == b"%PDF"
	assert frappe.local.response.filename.endswith(".pdf")


# --- who may -----------------------------------------------------------------------------


def test_a_crm_user_cannot_send_or_download_someone_elses_customer(history):
	with_email(history)
	mine = factories.customer()
	factories.sales_invoice(mine, 40)
	with_email(mine)
	frappe.db.set_value("CRM Customer", mine, "relationship_owner", "crm.sales@crm-pack.test")
	frappe.set_user("crm.sales@crm-pack.test")
	for call in (
		lambda: api.send_statement(history, factories.company()),
		lambda: api.download_statement(history, factories.company()),
		lambda: api.statement_options(history),
	):
		with pytest.raises(frappe.PermissionError):
			call()
	assert api.send_statement(mine, factories.company())["interaction"]


def test_a_user_restricted_to_another_company_is_refused(history):
	with_email(history)
	email = f"stmt.{frappe.generate_hash(length=8)}@crm-pack.test"
	user = frappe.get_doc({"doctype": "User", "email": email, "first_name": "Stmt", "send_welcome_email": 0})
	user.insert(ignore_permissions=True)
	user.add_roles("Accounts User")
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": email,
			"allow": "Company",
			"for_value": factories.eu_company(),
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)
	frappe.set_user(email)
	with pytest.raises(frappe.PermissionError, match="books of Company"):
		api.send_statement(history, factories.company())
	with pytest.raises(frappe.PermissionError):
		api.download_statement(history, factories.company())
	# a customer with books in that company alone: its own company is offered, not the other
	eu_only = factories.customer()
	factories.invoice_in(factories.eu_company(), eu_only, 30)
	frappe.set_user("Administrator")
	with_email(eu_only)
	frappe.set_user(email)
	assert api.statement_options(eu_only)["companies"] == [factories.eu_company()]
	with pytest.raises(frappe.PermissionError):
		api.send_statement(eu_only, factories.company())


def test_users_without_an_accounts_or_crm_role_are_refused(history):
	frappe.set_user("sales.only@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		api.statement_options(history)
	with pytest.raises(frappe.PermissionError):
		api.send_statement(history, factories.company(), recipient="x@customer.test")


def test_send_is_post_only_and_download_get_only():
	assert frappe.allowed_http_methods_for_whitelisted_func[api.send_statement] == ["POST"]
	assert frappe.allowed_http_methods_for_whitelisted_func[api.download_statement] == ["GET"]


# --- schedules ---------------------------------------------------------------------------


def group() -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"CRM Statements {frappe.generate_hash(length=6)}",
				"parent_customer_group": "All Customer Groups",
				"is_group": 0,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def customer_in(grp: str, email=True) -> str:
	cust = factories.customer(customer_group=grp)
	factories.sales_invoice(cust, 120, posting_date=add_days(getdate(nowdate()).replace(day=1), -10))
	if email:
		with_email(cust)
	return cust


def schedule(grp: str, **values):
	doc = frappe.get_doc(
		{
			"doctype": "CRM Statement Schedule",
			"schedule_name": f"Monthly {grp}",
			"company": factories.company(),
			"customer_group": grp,
			"frequency": "Monthly",
			"day_of_period": 1,
			**values,
		}
	).insert()
	# due today, as if today were its day
	doc.db_set("next_run_date", nowdate())
	return doc


def run_jobs(started: list[dict]) -> dict:
	"""The chunk jobs the run queued, run here (no worker on the shared queues)."""
	from frappe.utils.background_jobs import get_job

	frappe.db.after_commit.run()  # what the scheduler's commit does: the jobs go to the queue
	totals = dict.fromkeys(statement_schedules.COUNTS, 0)
	for run in started:
		for job_id in run["jobs"]:
			job = get_job(job_id)
			assert job is not None and job.origin.endswith("long"), job_id
			kwargs = job.kwargs["kwargs"]
			job.delete()
			for k, v in statement_schedules.send_chunk(**kwargs, commit=False).items():
				totals[k] += v
	return totals


def sent_to(cust) -> int:
	interactions = frappe.get_all(
		"Customer Interaction", filters={"customer": cust, "interaction_type": "Statement"}, pluck="name"
	)
	if not interactions:
		return 0
	return frappe.db.count(
		"Email Queue", {"reference_doctype": "Customer Interaction", "reference_name": ("in", interactions)}
	)


def test_a_schedule_run_twice_sends_each_statement_once():
	grp = group()
	a, b, silent = customer_in(grp), customer_in(grp), customer_in(grp, email=False)
	sched = schedule(grp)
	started = statement_schedules.run_due_schedules()
	ours = [r for r in started if r["schedule"] == sched.name]
	assert len(ours) == 1 and set(ours[0]["customers"]) == {a, b, silent}
	today = getdate(nowdate())
	assert (ours[0]["from_date"], ours[0]["to_date"]) == (
		add_days(today.replace(day=1), -1).replace(day=1),
		add_days(today.replace(day=1), -1),
	)
	first = run_jobs(ours)
	assert first == {"sent": 2, "already_sent": 0, "skipped_no_email": 1, "failed": 0}
	sched.reload()
	assert (sched.last_run_sent, sched.last_run_skipped_no_email, sched.last_run_failed) == (2, 1, 0)
	assert silent in sched.last_run_problems
	assert getdate(sched.next_run_date) > today  # moved on: not due again today
	assert sched.name not in {r["schedule"] for r in statement_schedules.run_due_schedules()}

	# the same run again (the job retried, or the date put back by hand): nothing twice
	sched.db_set("next_run_date", nowdate())
	again = [r for r in statement_schedules.run_due_schedules() if r["schedule"] == sched.name]
	second = run_jobs(again)
	assert second == {"sent": 0, "already_sent": 2, "skipped_no_email": 1, "failed": 0}
	assert (sent_to(a), sent_to(b), sent_to(silent)) == (1, 1, 0)
	interaction = statements.already_sent(a, factories.company(), again[0]["from_date"], again[0]["to_date"])
	assert frappe.db.count("File", {"attached_to_name": interaction}) == 1


def test_chunks_are_deduplicated_jobs_on_the_long_queue(monkeypatch):
	from frappe.utils.background_jobs import get_job, is_job_enqueued

	grp = group()
	customers = [customer_in(grp, email=False) for _ in range(3)]
	sched = schedule(grp)
	monkeypatch.setattr(statement_schedules, "CHUNK_SIZE", 2)
	run = statement_schedules.start_run(sched.name)
	assert len(run["jobs"]) == 2 and sorted(run["customers"]) == sorted(customers)
	frappe.db.after_commit.run()
	try:
		assert all(is_job_enqueued(job_id) for job_id in run["jobs"])
		# started again before the jobs ran: the queue keeps one job per chunk
		statement_schedules.start_run(sched.name)
		frappe.db.after_commit.run()
		assert [get_job(j).get_status() for j in run["jobs"]] == ["queued", "queued"]
	finally:
		for job_id in run["jobs"]:
			job = get_job(job_id)
			if job:
				job.delete()


def test_editing_a_schedule_keeps_it_due():
	grp = group()
	customer_in(grp)
	sched = schedule(grp)
	sched.db_set("next_run_date", add_days(nowdate(), -3))  # due since three days
	sched.reload()
	sched.abc_tier = ""
	sched.day_of_period = 15
	sched.customer_group = group()
	sched.save()
	assert getdate(sched.next_run_date) == getdate(add_days(nowdate(), -3))
	assert sched.name in {r["schedule"] for r in statement_schedules.run_due_schedules()}


def test_a_new_schedule_gets_its_first_run_date_and_bad_values_are_refused():
	grp = group()
	doc = frappe.get_doc(
		{
			"doctype": "CRM Statement Schedule",
			"schedule_name": f"Quarterly {grp}",
			"company": factories.company(),
			"customer_group": grp,
			"frequency": "Quarterly",
			"day_of_period": 28,
		}
	).insert()
	assert getdate(doc.next_run_date) >= getdate(nowdate())
	assert getdate(doc.next_run_date).day == 28 and getdate(doc.next_run_date).month in (1, 4, 7, 10)
	doc.day_of_period = 31
	with pytest.raises(frappe.ValidationError, match="between 1 and 28"):
		doc.save()


def test_only_crm_and_accounts_managers_manage_schedules():
	for user, allowed in (
		("crm.manager@crm-pack.test", True),
		("crm.user@crm-pack.test", False),
		(ACCOUNTS, False),
	):
		assert bool(frappe.has_permission("CRM Statement Schedule", "create", user=user)) is allowed
	perms = {p.role for p in frappe.get_meta("CRM Statement Schedule").permissions}
	assert {"CRM Manager", "Accounts Manager"} <= perms


def test_the_print_menu_prints_the_statement_for_the_default_company(history):
	"""From the desk's Print menu (no statement handed in): the user's or the customer's
	first company and the default period."""
	html = frappe.get_print("CRM Customer", history, statements.PRINT_FORMAT)
	s = statements.build(history, factories.company())
	assert fmt_money(s["closing"], currency=s["currency"]) in html
	assert "Statement of Account" in html
	frappe.set_user("sales.only@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		frappe.get_print("CRM Customer", history, statements.PRINT_FORMAT)
