"""One follow-up step for one customer in one company: ERPNext's Dunning where the level
has a Dunning Type, the email or the collector's task, and the Payment Reminder
interaction that logs it. Everything is written in the caller's transaction, so a step
is either wholly taken (Dunning, interaction, Email Queue row) or not at all.

Dunnings are submitted: a submitted Dunning is the letter as sent (ERPNext numbers its
dunning level per invoice from submitted Dunnings only, and marks it Resolved when the
invoices are paid). It posts nothing to the ledger.
"""

from __future__ import annotations

import datetime as dt

import frappe
from frappe.query_builder import Order
from frappe.utils import fmt_money, formatdate, get_datetime, now_datetime

from crm_pack.credit_control.rules.levels import CompanyOverdue, LevelRule
from crm_pack.problems import Label, _
from crm_pack.utils import rendered_texts as texts

DUNNING_PRINT_FORMAT = "Dunning Letter"
CHANNEL_OF = {"Email": "Email", "Phone": "Phone", "Visit": "Visit", "Letter": "Letter"}
CHANNEL_LABEL = {
	"Email": _("Email reminder"),
	"Phone": _("Phone call"),
	"Visit": _("Visit"),
	"Letter": _("Letter"),
}


def collector_of(customer: str, state: dict, settings) -> str | None:
	"""Who does the step: the customer's collector, the Default Collector, the relationship
	owner, then ERPNext's Account Manager on the Customer; the first who can sign in to
	the desk. Nobody reads Administrator's tasks, so nobody is better: the step is still
	logged, shows on the worklist without a collector, and the worklist says so."""
	candidates = [
		state.get("collector"),
		settings.default_collector,
		state.get("relationship_owner"),
		frappe.db.get_value("Customer", customer, "account_manager"),
	]
	candidates = [c for c in candidates if c and c not in ("Administrator", "Guest")]
	if not candidates:
		return None
	active = set(
		frappe.get_all(
			"User",
			filters={"name": ("in", candidates), "enabled": 1, "user_type": "System User"},
			pluck="name",
		)
	)
	return next((c for c in candidates if c in active), None)


def take_step(
	customer: str,
	state: dict,
	level: LevelRule,
	row: CompanyOverdue,
	currency: str,
	settings,
	on_date: dt.date,
) -> str:
	"""Takes the level's step for the company; returns the Payment Reminder's name."""
	collector = collector_of(customer, state, settings)
	invoices = [v for v in row.invoices if v.voucher_type == "Sales Invoice" and v.amount > 0]
	dunnings = make_dunnings(customer, row.company, level, [v.voucher_no for v in invoices], on_date)
	email = contact_email(customer) if level.channel == "Email" else None
	# no address to write to: the collector calls instead, so the step is never lost
	channel = level.channel if level.channel != "Email" or email else "Phone"
	# the calendar and the task list show the subject alone: it names the customer
	subject = texts.for_user(
		collector,
		_("{0}: {1} (level {2}), {3} overdue"),
		frappe.db.get_value("Customer", customer, "customer_name") or customer,
		Label(level.title or CHANNEL_LABEL[channel]),
		level.number,
		fmt_money(row.counted, currency=currency),
	)
	reminder = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": customer,
			"interaction_datetime": _step_time(on_date),
			"channel": CHANNEL_OF[channel],
			"direction": "Outbound",
			"interaction_type": "Payment Reminder",
			"status": "Replied" if channel == "Email" else "Open",
			"handled_by": collector or "",  # not the default (whoever runs the job): nobody
			"subject": subject[:140],
			"company": row.company,
			"currency": currency,
			"collection_level": level.number,
			"dunning": dunnings[0] if dunnings else None,
			# calls, visits and letters are the collector's task (a ToDo, interactions/follow_ups)
			"follow_up_date": None if channel == "Email" else on_date,
			"next_step": _next_step(collector, channel, level, dunnings, row.company),
			"invoices": [
				{
					"sales_invoice": v.voucher_no,
					"company": row.company,
					"due_date": v.entry_date,
					"currency": currency,
					"outstanding_amount": v.amount,
				}
				for v in invoices
			],
		}
	)
	reminder.flags.ignore_permissions = True
	reminder.insert()
	if channel == "Email":
		send_email(reminder, customer, email, level, row, currency, dunnings, on_date)
	return reminder.name


def _next_step(collector, channel: str, level: LevelRule, dunnings: list[str], company: str) -> str | None:
	if level.dunning_type and not dunnings:
		return texts.for_user(
			collector,
			_("Write the letter yourself: company {0} has no Dunning Type (CRM Pack Settings says how)"),
			company,
		)
	if channel == "Email":
		return None
	return texts.for_user(collector, _("{0} about the overdue invoices"), Label(CHANNEL_LABEL[channel]))


def _step_time(on_date: dt.date) -> dt.datetime:
	now = now_datetime()
	return now if now.date() == on_date else get_datetime(dt.datetime.combine(on_date, dt.time(9)))


def companies_without_letters(levels, warn: bool = False) -> list[str]:
	"""Companies a letter level cannot make ERPNext's Dunning for: the level's Dunning Type
	is another company's and they have no default one. Their customers still get the step,
	as a task to write the letter; `warn` tells whoever saves the settings, by name."""
	named = {row.dunning_type for row in levels if row.get("dunning_type")}
	if not named:
		return []
	own = set(frappe.get_all("Dunning Type", filters={"name": ("in", list(named))}, pluck="company"))
	defaults = set(frappe.get_all("Dunning Type", filters={"is_default": 1}, pluck="company"))
	missing = sorted(set(frappe.get_all("Company", pluck="name")) - own - defaults)
	if missing and warn:
		frappe.msgprint(
			frappe._(
				"Companies without a Dunning Type for the letter: {0}. Their customers get the letter "
				"level as the collector's task, without ERPNext's Dunning: give each company a Dunning "
				"Type with Is Default ticked."
			).format(", ".join(missing)),
			title=frappe._("Letters without a Dunning"),
			indicator="orange",
		)
	return missing


def dunning_type_for(level: LevelRule, company: str) -> str | None:
	"""The level's Dunning Type belongs to one company (ERPNext keeps its title unique
	across companies); another company's step uses that company's default Dunning Type."""
	if not level.dunning_type:
		return None
	own = frappe.db.get_value("Dunning Type", level.dunning_type, "company")
	if own == company:
		return level.dunning_type
	return frappe.db.get_value("Dunning Type", {"company": company, "is_default": 1})


def make_dunnings(customer: str, company: str, level: LevelRule, invoices: list[str], on_date) -> list[str]:
	"""ERPNext's Dunning, through its own mapper (Sales Invoice → Dunning: the overdue
	payment-schedule rows), one per company and invoice currency, with the level's
	Dunning Type's fee, interest, income account and letter text; submitted."""
	dunning_type = dunning_type_for(level, company)
	if not dunning_type or not invoices:
		# the step still goes, as the collector's task to write the letter (take_step says
		# why); CRM Pack Settings warned when the levels were saved
		return []
	from erpnext.accounts.doctype.dunning.dunning import get_dunning_letter_text
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import create_dunning

	by_currency: dict[str, list[str]] = {}
	for name, currency in frappe.get_all(
		"Sales Invoice", filters={"name": ("in", invoices)}, fields=["name", "currency"], as_list=True
	):
		by_currency.setdefault(currency, []).append(name)
	dtype = frappe.get_cached_doc("Dunning Type", dunning_type)
	made = []
	for names in by_currency.values():
		dunning = None
		for name in sorted(names):
			dunning = create_dunning(name, target_doc=dunning, ignore_permissions=True)
		if not dunning.overdue_payments:
			continue
		dunning.posting_date = on_date
		dunning.dunning_type = dtype.name
		dunning.rate_of_interest = dtype.rate_of_interest
		dunning.dunning_fee = dtype.dunning_fee
		dunning.income_account = dtype.income_account
		dunning.cost_center = dtype.cost_center
		language = frappe.db.get_value("Customer", customer, "language") or dunning.language
		letter = get_dunning_letter_text(dunning_type=dtype.name, doc=dunning.as_dict(), language=language)
		if letter:
			dunning.body_text = letter.get("body_text")
			dunning.closing_text = letter.get("closing_text")
			dunning.language = letter.get("language")
		dunning.flags.ignore_permissions = True
		dunning.insert()
		dunning.submit()
		made.append(dunning.name)
	return made


def contact_email(customer: str) -> str | None:
	"""The customer's primary contact's address, else any contact's."""
	email = frappe.db.get_value("Customer", customer, "email_id")
	if email:
		return email
	contact = frappe.qb.DocType("Contact")
	link = frappe.qb.DocType("Dynamic Link")
	rows = (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact"))
		.select(contact.email_id)
		.where((link.link_doctype == "Customer") & (link.link_name == customer))
		.where(contact.email_id.isnotnull() & (contact.email_id != ""))
		.orderby(contact.is_primary_contact, order=Order.desc)
		.limit(1)
		.run()
	)
	return rows[0][0] if rows else None


def email_context(customer: str, level: LevelRule, row: CompanyOverdue, currency: str, dunnings, on_date):
	customer_doc = frappe.get_cached_doc("Customer", customer)
	dunning = frappe.get_doc("Dunning", dunnings[0]).as_dict() if dunnings else None
	return {
		**customer_doc.as_dict(),
		"doc": dunning or customer_doc.as_dict(),
		"customer": customer_doc.as_dict(),
		"dunning": dunning,
		"company": row.company,
		"currency": currency,
		"overdue_amount": row.counted,
		"overdue_amount_formatted": fmt_money(row.counted, currency=currency),
		"oldest_due_date": row.oldest_due,
		"days_overdue": (on_date - row.oldest_due).days if row.oldest_due else 0,
		"level": level.number,
		"level_title": level.title,
		"invoices": [
			{"name": v.voucher_no, "due_date": v.entry_date, "outstanding": v.amount}
			for v in row.invoices
			if v.amount > 0
		],
	}


def render_email(template: str | None, context: dict, lang: str) -> tuple[str, str]:
	if template:
		tpl = frappe.get_cached_doc("Email Template", template)
		body = tpl.response_html if tpl.use_html else tpl.response
		return frappe.render_template(tpl.subject, context), frappe.render_template(body or "", context)
	t = lambda s: frappe._(s, lang=lang)  # noqa: E731
	esc = frappe.utils.escape_html
	money = context["overdue_amount_formatted"]
	lines = "".join(
		"<tr><td>{}</td><td>{}</td><td style='text-align:right'>{}</td></tr>".format(
			esc(i["name"]),
			formatdate(i["due_date"]),
			fmt_money(i["outstanding"], currency=context["currency"]),
		)
		for i in context["invoices"]
	)
	subject = t(_("Payment reminder: {0} overdue")).format(money)
	dear = t(_("Dear {0},")).format(esc(context.get("customer_name") or ""))
	intro = t(_("According to our records the following invoices of {0} are overdue:")).format(
		esc(context["company"])
	)
	head = "".join(f"<th>{t(label)}</th>" for label in (_("Invoice"), _("Due Date"), _("Outstanding")))
	ask = t(_("Please pay {0} or tell us when you will pay.")).format(money)
	body = f"<p>{dear}</p><p>{intro}</p><table><tr>{head}</tr>{lines}</table><p>{ask}</p>"
	return subject, body


def send_email(reminder, customer, email, level: LevelRule, row, currency, dunnings, on_date) -> None:
	"""Queued through frappe's Email Queue (sent by its scheduler after the commit): the
	Dunning's letter as a print attachment, and the statement of account when the level
	asks for it."""
	lang = frappe.db.get_value("Customer", customer, "language") or frappe.db.get_default("lang") or "en"
	context = email_context(customer, level, row, currency, dunnings, on_date)
	subject, message = render_email(level.email_template, context, lang)
	attachments = [
		{
			"print_format_attachment": 1,
			"doctype": "Dunning",
			"name": name,
			"print_format": DUNNING_PRINT_FORMAT,
			"lang": lang,
		}
		for name in dunnings
	]
	if level.attach_statement:
		statement = statement_file(customer, row.company, on_date)
		if statement:
			attachments.append(statement)
	frappe.sendmail(
		recipients=[email],
		subject=subject,
		message=message,
		reference_doctype="Customer Interaction",
		reference_name=reminder.name,
		attachments=attachments,
		delayed=True,
	)


def statement_file(customer: str, company: str, on_date) -> dict | None:
	"""The statement of account (credit_control/statements.py, built beside this)."""
	try:
		from crm_pack.credit_control.statements import statement_attachment
	except ImportError:
		frappe.logger("crm_pack").warning(
			"crm_pack: statement of account not attached for %s (crm_pack.credit_control.statements "
			"is not installed in this version)",
			customer,
		)
		return None
	try:
		return statement_attachment(customer, company, to_date=on_date)
	except Exception:
		# the reminder and its Dunning still go; a statement that cannot be rendered is logged
		frappe.log_error(
			title=f"crm_pack: statement of account not attached for {customer}",
			reference_doctype="Customer",
			reference_name=customer,
		)
		return None
