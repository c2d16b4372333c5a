"""Security probes: every whitelisted method and every report called by users without
rights; SQL injection strings in filters and arguments; script/HTML in text fields shown
in the customer 360 and on timelines. Expected: zero leaks, zero executed payloads."""

import importlib
import pkgutil
import re

import frappe
import pytest

import crm_pack
from tests.integration import factories
from tests.integration import frappe_crm_setup as fcrm

NOBODY = "sales.only@crm-pack.test"  # a desk user with no crm_pack role
CRM_USER = "crm.user@crm-pack.test"
INJECTIONS = (
	"' OR '1'='1",
	"x'; DROP TABLE `tabCRM Customer`; --",
	"') UNION SELECT name, password FROM `__Auth` -- ",
	"1 OR 1=1",
	'"; SELECT SLEEP(5); --',
)
XSS = ('<script>alert("crm")</script>', "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>')


def whitelisted_methods() -> dict[str, object]:
	for module in pkgutil.walk_packages(crm_pack.__path__, "crm_pack."):
		if ".patches." not in module.name and not module.name.endswith(".hooks"):
			importlib.import_module(module.name)
	return {
		f"{f.__module__}.{f.__name__}": f for f in frappe.whitelisted if f.__module__.startswith("crm_pack.")
	}


# method -> (arguments, users who must be refused)
PROBES = {
	"crm_pack.api.ledger.recompute_all_customers": ({}, (NOBODY, CRM_USER)),
	"crm_pack.api.ledger.get_customer_summary": ({"customer": "{customer}"}, (NOBODY, CRM_USER)),
	"crm_pack.api.customer_360.get_customer_360": ({"customer": "{customer}"}, (NOBODY, CRM_USER)),
	# ERPNext's Customer form: nothing (no dialog) for a customer the user may not see in CRM
	"crm_pack.api.customer_360.for_customer_form": ({"customer": "{customer}"}, (NOBODY,)),
	"crm_pack.api.collections.worklist_defaults": ({}, (NOBODY,)),
	"crm_pack.api.collections.dunning_types": (
		{"doctype": "Dunning Type", "txt": "", "searchfield": "name", "start": "0", "page_len": "20"},
		(NOBODY, CRM_USER),
	),
	"crm_pack.api.duplicates.merge_customers": (
		{"keep": "{customer}", "duplicate": "{other}"},
		(NOBODY, CRM_USER),
	),
	"crm_pack.api.dashboard.overdue_follow_ups": ({}, (NOBODY,)),
	"crm_pack.api.dashboard.sla_breaches_this_week": ({}, (NOBODY,)),
	"crm_pack.api.analytics.run_now": ({}, (NOBODY, CRM_USER)),
	"crm_pack.api.backtest.apply_suggestion": (
		{"score": "Churn Risk", "min_precision": "50"},
		(NOBODY, CRM_USER),
	),
	"crm_pack.api.collections.run_follow_ups_now": ({}, (NOBODY, CRM_USER)),
	"crm_pack.interactions.sla_engine.agreement_choices": ({"name": "CRM Complaints"}, (NOBODY,)),
	"crm_pack.crm_pack.doctype.implementation_project.implementation_project.refresh_health": (
		{"name": "{project}"},
		(NOBODY, CRM_USER),
	),
	"crm_pack.api.collections.log_call": (
		{"customer": "{customer}", "outcome": "No Answer"},
		(NOBODY, CRM_USER),
	),
	"crm_pack.api.collections.log_call_options": ({"customer": "{customer}"}, (NOBODY, CRM_USER)),
	"crm_pack.api.collections.customers_to_chase": ({}, (NOBODY,)),
	"crm_pack.api.statements.statement_options": ({"customer": "{customer}"}, (NOBODY, CRM_USER)),
	"crm_pack.api.statements.send_statement": (
		{"customer": "{customer}", "company": "{company}", "recipient": "probe@customer.test"},
		(NOBODY, CRM_USER),
	),
	"crm_pack.api.statements.download_statement": (
		{"customer": "{customer}", "company": "{company}"},
		(NOBODY, CRM_USER),
	),
	"crm_pack.api.dashboard.a_customers_without_owner": ({}, (NOBODY,)),
	"crm_pack.api.dashboard.customers_at_churn_risk": ({}, (NOBODY,)),
	"crm_pack.api.analytics.status": ({}, (NOBODY,)),
	"crm_pack.crm_pack.dashboard_chart_source.interactions_by_channel.interactions_by_channel.get": (
		{},
		(NOBODY,),
	),
	"crm_pack.crm_pack.dashboard_chart_source.revenue_by_tier.revenue_by_tier.get": ({}, (NOBODY,)),
	# the Frappe CRM bridge: Frappe CRM's Sales User (NOBODY here) reads its deals, so only
	# someone without read on CRM Deal is refused the panel (the money: test_frappe_crm_bridge)
	"crm_pack.api.frappe_crm.get_account": ({"doctype": "CRM Deal", "name": "{deal}"}, (CRM_USER,)),
	"crm_pack.api.frappe_crm.link_existing_organizations": ({}, (NOBODY, CRM_USER)),
	"crm_pack.api.frappe_crm.start_implementation_project": ({"deal": "{deal}"}, (NOBODY, CRM_USER)),
}
NEEDS_FRAPPE_CRM = {m for m in PROBES if m.startswith("crm_pack.api.frappe_crm.")}


@pytest.fixture
def targets():
	customer, other = factories.customer(), factories.customer()
	factories.sales_invoice(customer, 100)
	project = frappe.get_doc(
		{"doctype": "Implementation Project", "project_name": "Probe", "customer": customer}
	).insert()
	deal = fcrm.deal(fcrm.organization()).name if fcrm.installed() else None
	return {
		"customer": customer,
		"other": other,
		"project": project.name,
		"company": factories.company(),
		"deal": deal,
	}


def test_every_whitelisted_method_is_probed():
	assert set(whitelisted_methods()) == set(PROBES), "add the new method to PROBES"


@pytest.mark.parametrize("method", sorted(PROBES))
def test_methods_refuse_users_without_rights(method, targets):
	if method in NEEDS_FRAPPE_CRM and not fcrm.installed():
		pytest.skip(fcrm.SKIP_REASON)
	args, refused = PROBES[method]
	fn = whitelisted_methods()[method]
	kwargs = {k: v.format(**targets) for k, v in args.items()}
	for user in refused:
		frappe.set_user(user)
		try:
			with pytest.raises(frappe.PermissionError):
				fn(**kwargs)
		finally:
			frappe.set_user("Administrator")
	assert frappe.db.exists("Customer", targets["other"])  # nothing merged away


def test_every_report_refuses_users_without_rights():
	from frappe.desk.query_report import run

	reports = frappe.get_all("Report", filters={"module": "CRM Pack"}, pluck="name")
	assert len(reports) >= 8
	frappe.set_user(NOBODY)
	try:
		for report in reports:
			with pytest.raises(frappe.PermissionError):
				run(report, filters={})
	finally:
		frappe.set_user("Administrator")


def _report_filters(report: str, payload: str) -> dict:
	return {
		"customer": payload,
		"company": payload,
		"level": payload,
		"tier": payload,
		"segment": payload,
		"user": payload,
		"status": payload,
		"threshold": payload,
		"from_date": "2020-01-01",
		"to_date": "2030-01-01",
	}


@pytest.mark.parametrize("payload", INJECTIONS)
def test_sql_injection_strings_are_data_not_sql(payload, targets):
	from frappe.desk.query_report import run
	from frappe.desk.search import search_link

	from crm_pack.api.customer_360 import get_customer_360
	from crm_pack.api.ledger import get_customer_summary

	before = frappe.db.count("CRM Customer")
	frappe.db.set_value("CRM Customer", targets["customer"], "relationship_owner", CRM_USER)
	frappe.set_user(CRM_USER)
	try:
		allowed = set(frappe.get_list("CRM Customer", pluck="name", limit_page_length=0))
		# lists and link search: the payload matches nothing, it does not widen the match
		assert frappe.get_list("CRM Customer", filters={"customer_name": payload}) == []
		assert frappe.get_list("CRM Customer", filters={"name": ("like", f"%{payload}%")}) == []
		assert search_link("CRM Customer", payload) == []
		for fn in (get_customer_summary, get_customer_360):
			with pytest.raises((frappe.PermissionError, frappe.DoesNotExistError)):
				fn(payload)
		for report in frappe.get_all("Report", filters={"module": "CRM Pack"}, pluck="name"):
			try:
				result = run(report, filters=_report_filters(report, payload))
			except (frappe.ValidationError, frappe.PermissionError):
				continue  # refused with a message: fine
			rows = [r for r in result["result"] if isinstance(r, dict)]
			names = {r.get("customer") or r.get("name") for r in rows} - {None}
			assert names <= allowed, f"{report} leaked {names - allowed}"
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.table_exists("CRM Customer") and frappe.db.count("CRM Customer") == before


def test_script_in_text_fields_is_shown_as_text(targets):
	from frappe.desk.form.load import getdoc

	from crm_pack.api.customer_360 import get_customer_360

	customer = targets["customer"]
	frappe.db.set_value("CRM Customer", customer, "notes", XSS[0])
	for payload in XSS:
		frappe.get_doc(
			{
				"doctype": "Customer Interaction",
				"customer": customer,
				"channel": "Web",
				"subject": f"Probe {payload}",
				"details": payload,
			}
		).insert()
	html = get_customer_360(customer)["html"]
	getdoc("Customer", customer)
	timeline = " ".join(e["content"] for e in frappe.response["docinfo"]["additional_timeline_content"])
	for rendered in (html, timeline):
		assert "Probe" in rendered
		assert not re.search(r"<script", rendered, re.I)
		assert not re.search(r"<[^>]*\son\w+\s*=", rendered, re.I), "an event handler attribute got through"
		assert "&lt;script&gt;" in rendered or "&lt;img" in rendered
	stored = frappe.get_all("Customer Interaction", filters={"customer": customer}, pluck="details")
	assert not any(re.search(r"<script|onerror\s*=|onload\s*=", d or "", re.I) for d in stored)
