"""Record-level access: a CRM User sees the customers they own or are on the team of, and
those customers' interactions and projects — in lists, forms, reports, link search, REST
and whitelisted methods alike. Managers see all; accountants read every customer."""

import frappe
import pytest

from tests.integration import factories

USER = "crm.user@crm-pack.test"


@pytest.fixture
def world():
	owned, teamed, foreign = (factories.customer() for _ in range(3))
	frappe.db.set_value("CRM Customer", owned, "relationship_owner", USER)
	crm = frappe.get_doc("CRM Customer", teamed)
	crm.append("team", {"user": USER, "team_role": "Support"})
	crm.save()

	def interaction(cust, **values):
		return (
			frappe.get_doc(
				{
					"doctype": "Customer Interaction",
					"customer": cust,
					"subject": f"About {cust}",
					"channel": "Phone",
					**values,
				}
			)
			.insert()
			.name
		)

	def project(cust, **values):
		return (
			frappe.get_doc(
				{
					"doctype": "Implementation Project",
					"project_name": f"Roll-out {cust}",
					"customer": cust,
					**values,
				}
			)
			.insert()
			.name
		)

	return frappe._dict(
		owned=owned,
		teamed=teamed,
		foreign=foreign,
		i_owned=interaction(owned, handled_by="crm.manager@crm-pack.test"),
		i_teamed=interaction(teamed, handled_by="crm.manager@crm-pack.test"),
		i_foreign=interaction(foreign, handled_by="crm.manager@crm-pack.test"),
		i_foreign_handled=interaction(foreign, handled_by=USER),
		p_owned=project(owned),
		p_foreign=project(foreign),
		p_foreign_member=project(
			foreign, team=[{"member_name": "CRM User", "user": USER, "project_role": "Key User"}]
		),
	)


def as_user(user, fn, *args, **kwargs):
	frappe.set_user(user)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user("Administrator")


def names(doctype, user=USER, **filters):
	return set(as_user(user, frappe.get_list, doctype, filters=filters, pluck="name", limit_page_length=0))


def test_lists_show_only_their_customers_interactions_and_projects(world):
	customers = names("CRM Customer", name=("in", [world.owned, world.teamed, world.foreign]))
	assert customers == {world.owned, world.teamed}
	interactions = names("Customer Interaction", name=("like", "%"))
	assert {world.i_owned, world.i_teamed, world.i_foreign_handled} <= interactions
	assert world.i_foreign not in interactions
	projects = names("Implementation Project")
	assert {world.p_owned, world.p_foreign_member} <= projects
	assert world.p_foreign not in projects


def test_forms_rest_and_methods_refuse_other_customers(world):
	from frappe.client import get as rest_get
	from frappe.desk.form.load import getdoc

	from crm_pack.api.customer_360 import get_customer_360
	from crm_pack.api.ledger import get_customer_summary

	for call, args in (
		(getdoc, ("CRM Customer", world.foreign)),
		(rest_get, ("CRM Customer", world.foreign)),
		(get_customer_summary, (world.foreign,)),
		(get_customer_360, (world.foreign,)),
		(getdoc, ("Customer Interaction", world.i_foreign)),
		(getdoc, ("Implementation Project", world.p_foreign)),
	):
		with pytest.raises(frappe.PermissionError):
			as_user(USER, call, *args)
	assert as_user(USER, get_customer_summary, world.owned)["customer"] == world.owned
	assert as_user(USER, get_customer_360, world.teamed)["profile"]["name"] == world.teamed


def test_the_customer_form_shows_a_colleagues_customer_without_the_360_or_an_error(world):
	"""ERPNext's Customer form asks for the 360 on every open: a sales rep on a customer
	they may not see in CRM gets ERPNext's form as it is, not a "Not permitted" dialog."""
	from crm_pack.api.customer_360 import for_customer_form

	assert as_user(USER, for_customer_form, world.foreign) is None
	assert as_user(USER, for_customer_form, world.teamed)["profile"]["name"] == world.teamed


def test_link_search_and_reports_leave_other_customers_out(world):
	from frappe.desk.search import search_link

	from crm_pack.crm_pack.report.abc_analysis.abc_analysis import execute as abc

	found = {r["value"] for r in as_user(USER, search_link, "CRM Customer", "CRM Test", page_length=1000)}
	assert world.owned in found and world.foreign not in found
	rows = as_user(USER, abc, {})[1]
	seen = {r.get("name") or r.get("customer") for r in rows if isinstance(r, dict)}
	assert world.foreign not in seen


def test_managers_and_accountants_see_everyone(world):
	assert world.foreign in names("CRM Customer", user="crm.manager@crm-pack.test")
	assert world.foreign in names("CRM Customer", user="accounts.user@crm-pack.test")
	assert world.i_foreign in names("Customer Interaction", user="crm.manager@crm-pack.test")
	assert world.p_foreign in names("Implementation Project", user="impl.manager@crm-pack.test")


def test_a_crm_user_cannot_log_an_interaction_for_someone_elses_customer_for_another(world):
	doc = frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": world.foreign,
			"subject": "Not mine",
			"channel": "Phone",
			"handled_by": "crm.manager@crm-pack.test",
		}
	)
	with pytest.raises(frappe.PermissionError):
		as_user(USER, doc.insert)
	assert not frappe.db.exists("Customer Interaction", {"subject": "Not mine"})
