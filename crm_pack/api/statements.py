"""Statements of account from the CRM Customer form: options for the dialog, send by
email (logged on the timeline), download as PDF. Each checks first: a role that works
with customers' accounts (accounts or CRM), read on the CRM Customer, and read (or
select) on the Company, which a User Permission to other companies denies."""

import frappe
from frappe import _
from frappe.utils import validate_email_address

from crm_pack.credit_control import statements
from crm_pack.ledger import customer_ledger

ROLES = {"Accounts User", "Accounts Manager", "CRM User", "CRM Manager", "System Manager"}


def _require_role() -> None:
	if frappe.session.user != "Administrator" and not ROLES & set(frappe.get_roles()):
		frappe.throw(_("Only accounts and CRM staff can send statements of account."), frappe.PermissionError)


def _check(customer: str, company: str) -> None:
	_require_role()
	customer_ledger.check_access(customer, company)
	if company not in customer_ledger.companies(customer):
		frappe.throw(_("Customer {0} has no postings in Company {1}.").format(customer, company))


@frappe.whitelist()
def statement_options(customer: str) -> dict:
	"""What the Send Statement dialog offers: the companies with postings for the customer
	that the user may see, the default period and recipient."""
	_require_role()
	frappe.has_permission("CRM Customer", "read", customer, throw=True)
	companies = statements.ledger_companies(customer)
	default = frappe.defaults.get_user_default("Company")
	from_date, to_date = statements.period()
	recipient = statements.default_recipient(customer)
	return {
		"companies": companies,
		"company": default if default in companies else (companies[0] if companies else None),
		"from_date": from_date,
		"to_date": to_date,
		"recipient": recipient,
		"no_recipient_message": None
		if recipient
		else _(
			"Customer {0} has no email address: enter one here, or add it to the customer's primary contact."
		).format(customer),
		# said before the dialog is filled, not after Send
		"no_email_account_message": None if statements.can_send_email() else NO_EMAIL_ACCOUNT(),
	}


def NO_EMAIL_ACCOUNT() -> str:
	return _(
		"This site has no outgoing email account, so statements cannot be emailed yet: download the PDF "
		"and send it yourself, or ask a System Manager to set one up (Email Account, Default Outgoing)."
	)


@frappe.whitelist(methods=["POST"])
def send_statement(
	customer: str,
	company: str,
	recipient: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
) -> dict:
	_check(customer, company)
	if not statements.can_send_email():
		frappe.throw(NO_EMAIL_ACCOUNT(), title=_("No outgoing email account"))
	recipient = (recipient or "").strip() or statements.default_recipient(customer)
	if not recipient:
		frappe.throw(
			_(
				"Customer {0} has no email address: enter a recipient, or add one to the customer's primary contact."
			).format(customer)
		)
	if not validate_email_address(recipient):
		frappe.throw(_("{0} is not a valid email address.").format(frappe.bold(recipient)))
	result = statements.send(customer, company, recipient, from_date, to_date)
	return {
		**result,
		# frappe.sendmail queues it; the scheduler's email run sends it
		"message": _(
			"Statement of account queued for {0} (it leaves with the next run of the email queue) and logged on the customer's timeline."
		).format(recipient),
	}


@frappe.whitelist(methods=["GET"])
def download_statement(
	customer: str, company: str, from_date: str | None = None, to_date: str | None = None
) -> None:
	_check(customer, company)
	statement = statements.build(customer, company, from_date, to_date)
	frappe.local.response.filename = statements.file_name(statement)
	frappe.local.response.filecontent = statements.render(statement, as_pdf=True)
	frappe.local.response.type = "pdf"
