"""Stored texts are language-neutral: a Chinese and an English user read the same record,
each in their own language, through the paths the desk uses (form load, report, customer
360), and reading changes nothing stored."""

import contextlib

import frappe
import pytest
from frappe.desk.form.load import getdoc
from frappe.translate import get_user_lang
from frappe.utils import add_days, formatdate, getdate, nowdate

from crm_pack.analytics import nightly
from crm_pack.api.customer_360 import get_customer_360
from crm_pack.crm_pack.report.churn_risk.churn_risk import execute as churn_report
from crm_pack.crm_pack.report.customer_lifetime_value.customer_lifetime_value import execute as clv_report
from crm_pack.crm_pack.report.implementation_portfolio.implementation_portfolio import (
	execute as portfolio_report,
)
from crm_pack.relationship import data_quality
from tests.integration import factories

READERS = {"zh": "texts.zh@crm-pack.test", "en": "texts.en@crm-pack.test"}
CODES = ("churn_risk_reason_codes", "clv_explanation_codes", "data_quality_missing_codes")


@pytest.fixture
def readers():
	for lang, email in READERS.items():
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": f"Reader {lang}",
					"language": lang,
					"send_welcome_email": 0,
				}
			).insert(ignore_permissions=True)
			user.add_roles("CRM Manager", "Implementation Manager")
	return READERS


@contextlib.contextmanager
def reading_as(user: str, date_format: str | None = None):
	"""What a request does for its user: their session and their language (and, to show
	dates follow the site's format, a date format for this request)."""
	frappe.set_user(user)
	frappe.local.lang = get_user_lang(user)
	frappe.local.user_date_format = date_format
	try:
		yield
	finally:
		frappe.set_user("Administrator")
		frappe.local.lang = "en"
		frappe.local.user_date_format = None


def form(doctype: str, name: str) -> dict:
	"""The document as the desk's form receives it."""
	frappe.local.response = frappe._dict(docs=[])
	getdoc(doctype, name)
	return frappe.local.response.docs[0].as_dict()


def stored(name: str) -> dict:
	return frappe.db.get_value("CRM Customer", name, CODES, as_dict=True)


@pytest.fixture
def lapsed():
	"""Monthly buyer gone quiet 200 days ago, no contact, no owner, no address."""
	cust = factories.customer()
	for i in range(6):
		factories.sales_invoice(cust, 500, posting_date=add_days(nowdate(), -200 - 30 * i))
	# the nightly job runs in whatever language the worker has; Chinese here, to show it
	# does not leak into what an English reader sees
	frappe.local.lang = "zh"
	try:
		nightly.recompute_all()
		data_quality.recompute([cust])
	finally:
		frappe.local.lang = "en"
	return cust


def test_churn_reason_missing_items_and_clv_in_each_readers_language(readers, lapsed):
	before = stored(lapsed)
	assert before.churn_risk_reason_codes.startswith('[["No order since {0}')
	last_order = getdate(add_days(nowdate(), -200))

	seen = {}
	for lang, user in readers.items():
		with reading_as(user, date_format="dd.mm.yyyy"):
			doc = form("CRM Customer", lapsed)
			report_rows = {r.name: r for r in churn_report({})[1]}
			clv_rows = {r.name: r for r in clv_report({})[1]}
			profile = get_customer_360(lapsed)
			seen[lang] = {
				"form": doc,
				"report": report_rows[lapsed].churn_risk_reason,
				"clv report": clv_rows[lapsed].clv_explanation,
				"360": profile,
				"date": formatdate(last_order),
			}

	zh, en = seen["zh"], seen["en"]
	# dates in the reader's date format, not ISO
	assert en["date"] == last_order.strftime("%d.%m.%Y")
	assert en["form"]["churn_risk_reason"].startswith(f"No order since {en['date']}; this customer usually")
	assert zh["form"]["churn_risk_reason"].startswith(f"自 {zh['date']} 起没有订单；该客户通常每 30 天")
	assert last_order.isoformat() not in zh["form"]["churn_risk_reason"]
	for path in ("report",):
		assert en[path] == en["form"]["churn_risk_reason"] and zh[path] == zh["form"]["churn_risk_reason"]
	assert en["360"]["profile"].churn_risk_reason == en["form"]["churn_risk_reason"]
	assert zh["360"]["profile"].churn_risk_reason == zh["form"]["churn_risk_reason"]
	assert "该客户通常每 30 天" in zh["360"]["html"] and "usually orders every 30 days" in en["360"]["html"]

	assert en["form"]["data_quality_missing"].startswith("relationship owner, contact person, email address")
	assert zh["form"]["data_quality_missing"].startswith("客户关系负责人、联系人、电子邮箱")
	assert zh["360"]["profile"].data_quality_missing == zh["form"]["data_quality_missing"]
	assert "客户关系负责人" in zh["360"]["html"] and "relationship owner" in en["360"]["html"]

	assert en["form"]["clv_explanation"].startswith(
		"Base profit 600: revenue 3,000 at the default margin of 20%."
	)
	assert zh["form"]["clv_explanation"].startswith("基础利润 600")
	assert (
		zh["clv report"] == zh["form"]["clv_explanation"]
		and en["clv report"] == en["form"]["clv_explanation"]
	)

	assert stored(lapsed) == before, "reading must not change what is stored"


def test_a_run_in_another_language_rewrites_no_one(lapsed):
	"""The scores' digest is over codes, not text: the language a job runs in cannot make
	everyone look changed."""
	frappe.local.lang = "en"
	before = stored(lapsed)
	digest = frappe.db.get_value("CRM Customer", lapsed, "analytics_scores_digest")
	nightly.recompute_all()
	assert stored(lapsed) == before
	assert frappe.db.get_value("CRM Customer", lapsed, "analytics_scores_digest") == digest


def test_project_health_and_seeded_phases_in_each_readers_language(readers):
	project = frappe.get_doc(
		{
			"doctype": "Implementation Project",
			"project_name": "ERP roll-out",
			"customer": factories.customer(),
			"planned_start_date": add_days(nowdate(), -120),
			"planned_go_live_date": add_days(nowdate(), -10),
		}
	)
	frappe.local.lang = "zh"  # saved by a Chinese user
	try:
		project.insert()
	finally:
		frappe.local.lang = "en"
	codes = frappe.db.get_value("Implementation Project", project.name, "health_reasons_codes")
	assert "days behind plan" in codes

	seen = {}
	for lang, user in readers.items():
		with reading_as(user):
			doc = form("Implementation Project", project.name)
			row = next(r for r in portfolio_report({})[1] if r.name == project.name)
			seen[lang] = (doc["health_reasons"], row.health_reasons, row.current_phase)
	slip = project.schedule_slip_days
	assert seen["en"][0].startswith(f"{slip} days behind plan.")
	assert seen["zh"][0].startswith(f"落后计划 {slip} 天。")
	assert seen["en"][1] == seen["en"][0] and seen["zh"][1] == seen["zh"][0]
	# the seeded phase is stored in the method's English and shown in the reader's language
	assert (seen["en"][2], seen["zh"][2]) == ("Requirements Analysis", "需求分析")
	assert frappe.db.get_value("Implementation Project", project.name, "health_reasons_codes") == codes


def test_on_plan_is_stored_as_a_code(readers):
	project = frappe.get_doc(
		{
			"doctype": "Implementation Project",
			"project_name": "On time",
			"customer": factories.customer(),
			"planned_start_date": nowdate(),
			"planned_go_live_date": add_days(nowdate(), 90),
		}
	).insert()
	with reading_as(readers["zh"]):
		assert form("Implementation Project", project.name)["health_reasons"] == "符合计划。"
	with reading_as(readers["en"]):
		assert form("Implementation Project", project.name)["health_reasons"] == "On plan."


def test_patch_fills_the_codes_of_records_written_before(lapsed):
	"""A site upgraded from text storage: codes empty, old basis key. The patch fills them."""
	from crm_pack.patches.v0_1 import stored_texts_as_codes

	project = frappe.get_doc(
		{
			"doctype": "Implementation Project",
			"project_name": "Old",
			"customer": lapsed,
			"planned_start_date": nowdate(),
			"planned_go_live_date": add_days(nowdate(), 90),
		}
	).insert()
	frappe.db.sql(
		"""update `tabCRM Customer` set churn_risk_reason_codes = '', clv_explanation_codes = '',
		data_quality_missing_codes = '', analytics_scores_digest = '', analytics_basis_key = 'v1'
		where name = %s""",
		lapsed,
	)
	frappe.db.set_value("Implementation Project", project.name, "health_reasons_codes", "")
	stored_texts_as_codes.execute()
	after = stored(lapsed)
	assert after.churn_risk_reason_codes.startswith('[["No order since')
	assert after.clv_explanation_codes.startswith('[["Base profit')
	assert after.data_quality_missing_codes.startswith('[["relationship owner"')
	assert frappe.db.get_value("Implementation Project", project.name, "health_reasons_codes") == (
		'[["On plan.",[]]]'
	)


def test_messages_with_one_reader_are_written_in_that_readers_language(readers):
	"""A ToDo or a desk notification is text in frappe's own doctypes: it is written in
	its reader's language, whoever's session (here an English one) writes it."""
	from crm_pack.interactions.follow_ups import remind_due_follow_ups

	cust = factories.customer()
	for lang, user in readers.items():
		frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": cust,
				"subject": f"Quote {lang}",
				"channel": "Phone",
				"handled_by": user,
				"follow_up_date": nowdate(),
			}
		).insert()
	remind_due_follow_ups()

	def texts_for(user):
		todo = frappe.db.get_value("ToDo", {"allocated_to": user, "status": "Open"}, "description")
		note = frappe.db.get_value(
			"Notification Log", {"for_user": user}, "subject", order_by="creation desc"
		)
		return todo, note

	zh_todo, zh_note = texts_for(readers["zh"])
	en_todo, en_note = texts_for(readers["en"])
	assert zh_todo.startswith(f"跟进 {cust}：Quote zh") and en_todo.startswith(
		f"Follow up with {cust}: Quote en"
	)
	assert zh_note.startswith(f"今天需跟进 {cust}") and en_note.startswith(f"Follow-up due today with {cust}")
