"""What the browser tests look at, built through frappe in the test process and committed
(the site is served by another process). Names are unique per run.

Each workspace card's expected number is its count as the CRM user before this run's
records, plus the records made here to be counted that the user may read (a CRM User
sees only the customers they own or are on the team of, and their interactions);
records made here *not* to be counted (a breach last week, a follow-up still to come
or done, an A customer with an owner) prove the filters.
"""

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import (
	add_days,
	add_to_date,
	get_datetime,
	get_first_day_of_week,
	getdate,
	now_datetime,
	nowdate,
)
from frappe.utils.password import update_password

from crm_pack import compat
from crm_pack.api import dashboard
from tests.integration import factories

CRM_USER = "browser.crm@crm-pack.test"
ACCOUNTS_USER = "browser.accounts@crm-pack.test"
ZH_USER = "browser.zh@crm-pack.test"
SALES_USER = "browser.sales@crm-pack.test"
MANAGER = "browser.manager@crm-pack.test"
EMPTY_USER = "browser.empty@crm-pack.test"
ZHCN_USER = "browser.zhcn@crm-pack.test"
INVOICE_RATE = 1234.5


def ensure_user(email: str, roles: list[str], password: str) -> None:
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0].replace(".", " ").title(),
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	# every run starts in English, with the desk's default home
	frappe.db.set_value("User", email, {"enabled": 1, "language": "en", "default_workspace": None})
	update_password(email, password)


def card_counts() -> dict[str, int]:
	"""The four workspace cards' numbers, as CRM_USER sees them."""
	frappe.set_user(CRM_USER)
	try:
		counts = {}
		for card in ("A Customers without Owner", "Customers at Churn Risk"):
			doc = frappe.get_doc("Number Card", card)
			counts[card] = frappe.get_list(
				doc.document_type,
				filters=frappe.parse_json(doc.filters_json),
				fields=[compat.aggregate("count", "name", "n")],
			)[0].n
		counts["Overdue Follow-ups"] = dashboard.overdue_follow_ups()["value"]
		counts["SLA Breaches This Week"] = dashboard.sla_breaches_this_week()["value"]
		return counts
	finally:
		frappe.set_user("Administrator")


def interaction(customer: str, **values):
	return frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": customer,
			"subject": "Browser test",
			"channel": "Phone",
			"handled_by": CRM_USER,
			**values,
		}
	).insert(ignore_permissions=True)


def complaint_breached_at(customer: str, at):
	"""A complaint whose response target passed unanswered at `at`."""
	doc = interaction(
		customer,
		interaction_type="Complaint",
		subject="Browser test complaint",
		interaction_datetime=add_to_date(at, hours=-2),
	)
	frappe.db.set_value(
		"Customer Interaction",
		doc.name,
		{
			"agreement_status": "Failed",
			"response_by": at,
			"first_responded_on": None,
			"sla_resolution_by": add_to_date(at, days=10),
			"sla_resolution_date": None,
		},
		update_modified=False,
	)
	return doc.name


def build(users: dict[str, list[str]], password: str) -> dict:
	factories.ensure_base_records()
	for email, roles in users.items():
		ensure_user(email, roles, password)

	before = card_counts()
	tag = frappe.generate_hash(length=6).upper()

	# a customer with a submitted invoice: the figures the form and the ledger report show
	customer = factories.customer(f"Browser Customer {tag}")
	invoice = factories.sales_invoice(customer, INVOICE_RATE)
	frappe.db.set_value("CRM Customer", customer, "relationship_owner", CRM_USER)
	crm = frappe.get_doc("CRM Customer", customer)
	crm.append("team", {"user": SALES_USER, "team_role": "Sales"})
	crm.save(ignore_permissions=True)

	# counted: an A customer without an owner; not counted: one with an owner
	unowned = factories.customer(f"Browser A Unowned {tag}")
	frappe.db.set_value("CRM Customer", unowned, {"abc_tier": "A", "relationship_owner": None})
	owned = factories.customer(f"Browser A Owned {tag}")
	frappe.db.set_value("CRM Customer", owned, {"abc_tier": "A", "relationship_owner": CRM_USER})
	# counted: a customer at high churn risk (the user's own)
	frappe.db.set_value("CRM Customer", owned, "churn_risk_level", "High")

	# counted: a follow-up three days overdue; not counted: one still to come, one done
	overdue = interaction(
		customer, interaction_datetime=add_days(now_datetime(), -10), follow_up_date=add_days(nowdate(), -3)
	)
	upcoming = interaction(customer, subject=f"Follow-up call {tag}", follow_up_date=add_days(nowdate(), 3))
	interaction(
		customer,
		interaction_datetime=add_days(now_datetime(), -10),
		follow_up_date=add_days(nowdate(), -2),
		follow_up_done=1,
	)

	# counted: a complaint that missed its target this week; not counted: one last week
	week_start = get_datetime(get_first_day_of_week(nowdate()))
	breached_at = min(add_to_date(week_start, minutes=1), add_to_date(now_datetime(), minutes=-1))
	breach = complaint_breached_at(customer, breached_at)
	complaint_breached_at(customer, add_to_date(week_start, days=-2))

	# a duplicate pair for the review list: the one with an invoice is the one to keep
	dup_keep = factories.customer(f"Browser Twin {tag} Ltd")
	factories.sales_invoice(dup_keep, 10)
	dup_drop = factories.customer(f"BROWSER TWIN {tag} Limited")

	# shown in the customer 360: a subject carrying a script must stay text
	xss_subject = f'Probe {tag} <img src=x onerror="window.__crm_xss=1">'
	interaction(customer, subject=xss_subject)

	project = frappe.get_doc(
		{
			"doctype": "Implementation Project",
			"project_name": f"Browser Roll-out {tag}",
			"customer": customer,
			"status": "Planning",
			"method": "Requirements to Go-live",
			"planned_start_date": nowdate(),
			"planned_go_live_date": add_days(nowdate(), 100),
		}
	).insert(ignore_permissions=True)

	from crm_pack.setup.phase_boards import ensure_desk_records

	ensure_desk_records()

	# the other method's project: the shortcut's board shows it too
	course_project = frappe.get_doc(
		{
			"doctype": "Implementation Project",
			"project_name": f"Browser Cut-over {tag}",
			"customer": customer,
			"status": "Planning",
			"method": "Scope to Cut-over",
			"planned_start_date": nowdate(),
			"planned_go_live_date": add_days(nowdate(), 80),
		}
	).insert(ignore_permissions=True)
	# a phone complaint still waiting for its first response
	complaint = interaction(customer, interaction_type="Complaint", subject=f"Complaint {tag} by phone")
	# the tiers and churn levels above stand for an analytics run (the cards count them)
	for name in (unowned, owned):
		frappe.db.set_value("CRM Customer", name, "analytics_updated_on", now_datetime())

	# the Chinese-speaking user's own customer, with a project and interactions
	frappe.db.set_value("User", ZHCN_USER, "language", "zh")
	zh_customer = factories.customer(f"Browser Zh {tag}")
	factories.sales_invoice(zh_customer, INVOICE_RATE)
	frappe.db.set_value("CRM Customer", zh_customer, "relationship_owner", ZHCN_USER)
	# as the nightly run would store it: a level, a score and the reason as codes
	from crm_pack import texts
	from crm_pack.problems import _ as source

	frappe.db.set_value(
		"CRM Customer",
		zh_customer,
		{
			"churn_risk_level": "Medium",
			"churn_risk_score": 55,
			"churn_risk_reason_codes": texts.encode(
				[
					(
						source("Last order on {0}; this customer usually orders every {1} days (±{2})."),
						(getdate(add_days(nowdate(), -60)), 30, 5),
					)
				]
			),
			"analytics_updated_on": now_datetime(),
		},
	)
	for channel in ("Phone", "Visit", "Email"):
		frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": zh_customer,
				"subject": f"Zh {tag}",
				"channel": channel,
				"handled_by": ZHCN_USER,
			}
		).insert(ignore_permissions=True)
	zh_project = frappe.get_doc(
		{
			"doctype": "Implementation Project",
			"project_name": f"Browser Zh Roll-out {tag}",
			"customer": zh_customer,
			"method": "Requirements to Go-live",
			"planned_start_date": nowdate(),
			"planned_go_live_date": add_days(nowdate(), 100),
		}
	).insert(ignore_permissions=True)

	def seen(doctype, name):
		return int(bool(frappe.has_permission(doctype, "read", name, user=CRM_USER)))

	expected = {
		"A Customers without Owner": before["A Customers without Owner"] + seen("CRM Customer", unowned),
		"Customers at Churn Risk": before["Customers at Churn Risk"] + seen("CRM Customer", owned),
		"Overdue Follow-ups": before["Overdue Follow-ups"] + seen("Customer Interaction", overdue.name),
		"SLA Breaches This Week": before["SLA Breaches This Week"] + seen("Customer Interaction", breach),
	}
	gle = frappe.qb.DocType("GL Entry")
	ledger_closing = (
		frappe.qb.from_(gle)
		.select(Sum(gle.debit - gle.credit))
		.where((gle.party_type == "Customer") & (gle.party == customer) & (gle.is_cancelled == 0))
		.where(gle.company == invoice.company)
		.run()[0][0]
	)
	return {
		"tag": tag,
		"ledger_closing": float(ledger_closing),
		"crm_user": CRM_USER,
		"accounts_user": ACCOUNTS_USER,
		"zh_user": ZH_USER,
		"sales_user": SALES_USER,
		"manager": MANAGER,
		"foreign_customer": unowned,
		"dup_keep": dup_keep,
		"dup_drop": dup_drop,
		"customer": customer,
		"invoice": invoice.name,
		"invoice_total": invoice.grand_total,
		"company": invoice.company,
		"currency": invoice.currency,
		"project": project.name,
		"project_start": str(project.planned_start_date),
		"project_go_live": str(project.planned_go_live_date),
		"project_name": project.project_name,
		"project_phase": project.current_phase,
		"course_project_name": course_project.project_name,
		"course_project_phase": course_project.current_phase,
		"complaint": complaint.name,
		"overdue": overdue.name,
		"upcoming_subject": upcoming.subject,
		"empty_user": EMPTY_USER,
		"zhcn_user": ZHCN_USER,
		"zh_customer": zh_customer,
		"zh_project": zh_project.name,
		"zh_project_name": zh_project.project_name,
		# data shown on the zh user's screens: names, not words to translate
		"zh_names": [
			*frappe.db.get_value("Customer", zh_customer, ["customer_group", "territory"]),
			invoice.company,
			frappe.db.get_value("User", ZHCN_USER, "full_name"),
		],
		"xss_tag": f"Probe {tag}",
		"cards": expected,
		"cards_now": card_counts(),
	}
