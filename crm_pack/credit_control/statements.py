"""Statements of account: built from the CRM Customer Ledger report's own reads
(ledger/customer_ledger.py), printed with the Print Format "CRM Statement of Account" in the
customer's language (ERPNext's Customer.language, else the system's), as PDF through
frappe's own print path, emailed through frappe's Email Queue and logged as a Statement
interaction with the PDF attached.

Access is the caller's business (crm_pack/api/statements.py checks it); the rows are
still narrowed by the reader's match conditions, as the report's are. Scheduled runs are
in statement_schedules.py."""

import base64
import functools
import os
import re
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import fmt_money, format_date, getdate, now_datetime, nowdate, split_emails

from crm_pack.compat import pdf_from_html
from crm_pack.credit_control.rules import statement as rules
from crm_pack.ledger import customer_ledger
from crm_pack.ledger.rules.ageing import DEFAULT_RANGES
from crm_pack.ledger.rules.figures import ZERO, voucher_balances
from crm_pack.utils import bookkeeping
from crm_pack.utils.validation import throw_problems

# prefixed: a print format name is site-wide, and a site may have its own "Statement of Account"
PRINT_FORMAT = "CRM Statement of Account"
# the print view links frappe's print stylesheet from the site's URL, which wkhtmltopdf
# would fetch over the network for every statement, and which fails outright where the
# site's name does not resolve from the server itself (behind a proxy, a test site)
_STYLESHEET = re.compile(r'<link[^>]*href="(/assets/[^"?]+\.css)[^"]*"[^>]*>')
DOCTYPE = "CRM Customer"


def period(from_date=None, to_date=None) -> tuple:
	"""Defaults: from the first day of the month before To Date, to today."""
	to_date = getdate(to_date) if to_date else getdate(nowdate())
	from_date = getdate(from_date) if from_date else rules.default_period(to_date)[0]
	throw_problems(rules.check_period(from_date, to_date))
	return from_date, to_date


def build(customer: str, company: str, from_date=None, to_date=None) -> dict:
	"""The statement as data: opening, postings with running balance and due dates,
	closing, ageing; amounts in the company's currency."""
	from_date, to_date = period(from_date, to_date)
	opening = customer_ledger.opening(customer, company, from_date, to_date)
	postings = customer_ledger.postings(customer, company, from_date, to_date)
	vouchers = customer_ledger.open_vouchers(customer, company, to_date)
	statement = rules.compose(opening, postings, vouchers, from_date, to_date, DEFAULT_RANGES)
	statement.update(
		customer=customer,
		customer_name=frappe.db.get_value("Customer", customer, "customer_name") or customer,
		company=company,
		currency=frappe.get_cached_value("Company", company, "default_currency"),
		open_invoices=_open_invoices(vouchers),
	)
	return statement


def _open_invoices(vouchers) -> list[dict]:
	"""The invoices still open as of To Date, oldest due first (logged on the interaction)."""
	rows = [
		{
			"sales_invoice": key[3],
			"company": key[0],
			"outstanding_amount": round(v["amount"], 2),
			"due_date": v["entry_date"],
		}
		for key, v in voucher_balances(vouchers).items()
		if key[2] == "Sales Invoice" and v["amount"] >= ZERO
	]
	return sorted(rows, key=lambda r: (r["due_date"] or getdate("1900-01-01"), r["sales_invoice"]))


def language(customer: str) -> str:
	return (
		frappe.db.get_value("Customer", customer, "language")
		or frappe.db.get_single_value("System Settings", "language")
		or "en"
	)


@contextmanager
def in_language(lang: str):
	"""frappe translates with frappe.local.lang at call time: print and mail in the
	customer's language, then give the reader theirs back."""
	before = getattr(frappe.local, "lang", None)
	frappe.local.lang = lang
	try:
		yield
	finally:
		frappe.local.lang = before


def printable(statement: dict) -> dict:
	"""What the print format shows: every figure formatted, every heading translated (in
	the language in force when it is called)."""
	currency = statement["currency"]
	money = lambda v: fmt_money(v, currency=currency)  # noqa: E731
	date = lambda v: format_date(v) if v else ""  # noqa: E731
	ageing = statement["ageing"]
	labels, low = [], 0
	for high in DEFAULT_RANGES:
		labels.append(_("{0}-{1} days").format(low, high))
		low = high + 1
	labels.append(_("Over {0} days").format(DEFAULT_RANGES[-1]))
	return {
		**statement,
		"from_date": date(statement["from_date"]),
		"to_date": date(statement["to_date"]),
		"printed_on": date(nowdate()),
		"opening": money(statement["opening"]),
		"closing": money(statement["closing"]),
		"total_debit": money(statement["total_debit"]),
		"total_credit": money(statement["total_credit"]),
		"lines": [
			{
				"posting_date": date(line["posting_date"]),
				"voucher_type": _(line["voucher_type"]),
				"voucher_no": line["voucher_no"],
				"due_date": date(line.get("due_date")),
				"debit": money(line["debit"]) if line["debit"] else "",
				"credit": money(line["credit"]) if line["credit"] else "",
				"balance": money(line["balance"]),
			}
			for line in statement["lines"]
		],
		"ageing": {
			"not_due": money(ageing["not_due"]),
			"buckets": [
				{"label": label, "amount": money(amount)}
				for label, amount in zip(labels, ageing["buckets"], strict=True)
			],
			"total": money(ageing["total"]),
			"overdue": money(ageing["overdue"]),
		},
	}


def statement_for_print(doc) -> dict:
	"""Jinja method for the print format. A statement rendered here arrives on the document
	(`doc.crm_statement`); printed from the desk's Print menu it is built for the company in
	the request (or the user's default, or the customer's first) and the default period."""
	statement = getattr(doc, "crm_statement", None)
	if statement is None:
		form = frappe.form_dict
		company = form.get("company") or _default_company(doc.name)
		if not company:
			frappe.throw(_("Customer {0} has no postings in any company.").format(doc.name))
		customer_ledger.check_access(doc.name, company)
		statement = printable(build(doc.name, company, form.get("from_date"), form.get("to_date")))
	return statement


def _default_company(customer: str) -> str | None:
	companies = customer_ledger.companies(customer)
	default = frappe.defaults.get_user_default("Company")
	return default if default in companies else (companies[0] if companies else None)


def render(statement: dict, as_pdf: bool = True):
	"""Through frappe's print view (frappe.get_print) and PDF path (compat.pdf_from_html:
	wkhtmltopdf, or v16's Chrome generator where wkhtmltopdf is missing), in the customer's
	language."""
	doc = frappe.get_doc(DOCTYPE, statement["customer"])
	with in_language(language(statement["customer"])):
		doc.crm_statement = printable(statement)
		html = frappe.get_print(DOCTYPE, doc.name, PRINT_FORMAT, doc=doc)
		return pdf_from_html(inline_stylesheets(html), PRINT_FORMAT) if as_pdf else html


def inline_stylesheets(html: str) -> str:
	"""The site's own stylesheets, read from its assets folder, given to wkhtmltopdf as data
	URLs (frappe's get_pdf leaves those alone), so the PDF needs no request to the site. Not
	as <style>: get_pdf parses every <style> for page options, seconds for frappe's print
	stylesheet."""
	assets = os.path.abspath(os.path.join(frappe.local.sites_path, "assets"))

	def inline(match):
		path = os.path.abspath(os.path.join(frappe.local.sites_path, match[1].lstrip("/")))
		if not path.startswith(assets + os.sep) or not os.path.isfile(path):
			return match[0]
		return f'<link rel="stylesheet" href="{_data_url(path, os.path.getmtime(path))}">'

	return _STYLESHEET.sub(inline, html)


@functools.lru_cache(maxsize=8)
def _data_url(path: str, _mtime: float) -> str:
	with open(path, "rb") as f:
		return "data:text/css;base64," + base64.b64encode(f.read()).decode()


def file_name(statement: dict) -> str:
	abbr = frappe.get_cached_value("Company", statement["company"], "abbr") or statement["company"]
	parts = ("Statement", statement["customer"], abbr, str(statement["from_date"]), str(statement["to_date"]))
	return re.sub(r"[^\w\-]+", "-", "_".join(parts)).strip("-") + ".pdf"


def statement_attachment(customer: str, company: str, to_date=None, from_date=None) -> dict:
	"""A statement as one attachment for frappe.sendmail: {"fname", "fcontent": PDF bytes}.
	For other crm_pack code (payment reminders); permission is the caller's to check."""
	statement = build(customer, company, from_date, to_date)
	return {"fname": file_name(statement), "fcontent": render(statement, as_pdf=True)}


# --- sending -------------------------------------------------------------------------------


def default_recipient(customer: str) -> str | None:
	"""The customer's email (ERPNext fetches it from the primary contact), else the primary
	contact's, else any contact of the customer's with an email, primary ones first."""
	values = frappe.db.get_value("Customer", customer, ["email_id", "customer_primary_contact"], as_dict=True)
	if not values:
		return None
	if values.email_id:
		return values.email_id
	if values.customer_primary_contact:
		email = frappe.db.get_value("Contact", values.customer_primary_contact, "email_id")
		if email:
			return email
	contact, link = frappe.qb.DocType("Contact"), frappe.qb.DocType("Dynamic Link")
	rows = (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact"))
		.select(contact.email_id)
		.where((link.link_doctype == "Customer") & (link.link_name == customer))
		.where(contact.email_id.isnotnull() & (contact.email_id != ""))
		.orderby(contact.is_primary_contact, order=frappe.qb.desc)
		.orderby(contact.creation)
		.limit(1)
		.run(pluck=True)
	)
	return rows[0] if rows else None


def already_sent(customer: str, company: str, from_date, to_date) -> str | None:
	"""The Statement interaction already logged for this customer, company and period."""
	return frappe.db.get_value(
		"Customer Interaction",
		{
			"customer": customer,
			"company": company,
			"interaction_type": "Statement",
			"statement_from": getdate(from_date),
			"statement_to": getdate(to_date),
		},
	)


def send(
	customer: str, company: str, recipient: str, from_date=None, to_date=None, statement: dict | None = None
) -> dict:
	"""Logs the Statement interaction, attaches the PDF to it as a File and queues the email
	(frappe.sendmail, Email Queue) with that file. One transaction: all or nothing."""
	statement = statement or build(customer, company, from_date, to_date)
	pdf = render(statement, as_pdf=True)
	lang = language(customer)
	with in_language(lang):
		shown = printable(statement)
		subject = _("Statement of Account {0} to {1}").format(shown["from_date"], shown["to_date"])
		paragraphs = (
			_("Dear {0},").format(frappe.utils.escape_html(statement["customer_name"])),
			_(
				"Please find attached your statement of account with {0} from {1} to {2}. "
				"The balance on {2} is {3}, of which {4} is overdue."
			).format(
				frappe.utils.escape_html(company),
				shown["from_date"],
				shown["to_date"],
				shown["closing"],
				shown["ageing"]["overdue"],
			),
			_("Please let us know if anything in this statement differs from your records."),
		)
		# one translation per sentence: frappe looks HTML up without its tags
		message = "".join(f"<p>{p}</p>" for p in paragraphs)
	user = frappe.session.user
	interaction = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": customer,
			"interaction_datetime": now_datetime(),
			"channel": "Email",
			"direction": "Outbound",
			"interaction_type": "Statement",
			# a statement needs no answer; a reply comes in as its own interaction
			"status": "Closed",
			"handled_by": user if user not in ("Administrator", "Guest") else None,
			"subject": subject[:140],
			"details": message,
			"company": company,
			"currency": statement["currency"],
			"statement_from": statement["from_date"],
			"statement_to": statement["to_date"],
			"invoices": [{**row, "currency": statement["currency"]} for row in statement["open_invoices"]],
		}
	)
	interaction.flags.ignore_permissions = True
	interaction.insert()
	attached = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name(statement),
			"attached_to_doctype": "Customer Interaction",
			"attached_to_name": interaction.name,
			"content": pdf,
			"is_private": 1,
		}
	)
	attached.flags.ignore_permissions = True
	attached.save()
	queued = frappe.sendmail(
		recipients=split_emails(recipient),
		subject=subject,
		message=message,
		attachments=[{"fid": attached.name}],
		reference_doctype="Customer Interaction",
		reference_name=interaction.name,
		delayed=True,
	)
	message_id = getattr(queued, "message_id", None)
	if message_id:
		# the mailbox's copy of this email is then not logged a second time (email_log.py)
		bookkeeping.set_link(interaction, "email_message_id", message_id)
	return {"interaction": interaction.name, "file": attached.name, "recipient": recipient}


def ledger_companies(customer: str) -> list[str]:
	"""Companies with postings for the customer that the reader may see."""
	return [c for c in customer_ledger.companies(customer) if customer_ledger.may_see_company(c)]


def can_send_email() -> bool:
	"""frappe.sendmail needs a default outgoing Email Account (or the site config's mail
	server, which frappe turns into one)."""
	return bool(
		frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1})
		or frappe.conf.get("mail_server")
	)
