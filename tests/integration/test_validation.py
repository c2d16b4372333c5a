"""Bad input gets a clear message and nothing is saved."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests.integration import factories


def interaction(**values):
	return frappe.get_doc(
		{"doctype": "Customer Interaction", "subject": "Call", "channel": "Phone", **values}
	)


def test_follow_up_before_the_interaction_is_refused():
	cust = factories.customer()
	doc = interaction(
		customer=cust, interaction_datetime=f"{nowdate()} 10:00:00", follow_up_date=add_days(nowdate(), -1)
	)
	with pytest.raises(frappe.ValidationError, match="before the interaction"):
		doc.insert()
	assert frappe.db.count("Customer Interaction", {"customer": cust}) == 0


def test_unknown_channel_is_refused():
	cust = factories.customer()
	with pytest.raises(frappe.ValidationError, match="Channel"):
		interaction(customer=cust, channel="Carrier Pigeon").insert()
	assert frappe.db.count("Customer Interaction", {"customer": cust}) == 0


def test_reference_to_another_customers_invoice_is_refused():
	mine, theirs = factories.customer(), factories.customer()
	invoice = factories.sales_invoice(theirs, 10)
	doc = interaction(customer=mine, reference_doctype="Sales Invoice", reference_name=invoice.name)
	with pytest.raises(frappe.ValidationError, match="belongs to customer"):
		doc.insert()


def test_reference_to_unsupported_doctype_is_refused():
	cust = factories.customer()
	doc = interaction(customer=cust, reference_doctype="Customer", reference_name=cust)
	with pytest.raises(frappe.ValidationError, match="can refer to a Sales Order"):
		doc.insert()


def project(**values):
	return frappe.get_doc({"doctype": "Implementation Project", "project_name": "ERP roll-out", **values})


def test_project_go_live_before_start_is_refused():
	cust = factories.customer()
	with pytest.raises(frappe.ValidationError, match=r"Planned Go-live \(.*\) is before Planned Start"):
		project(customer=cust, planned_start_date="2026-03-01", planned_go_live_date="2026-02-01").insert()
	assert frappe.db.count("Implementation Project", {"customer": cust}) == 0


def test_project_scores_out_of_range_are_refused_with_the_row():
	cust = factories.customer()
	doc = project(
		customer=cust,
		risks=[{"risk": "No sponsor", "category": "Management", "likelihood": 7, "impact": 3}],
	)
	with pytest.raises(
		frappe.ValidationError, match="Row 1 of Risks: Likelihood must be a whole number from 1 to 5"
	):
		doc.insert()


def test_project_saves_with_risk_score_and_valid_phases():
	cust = factories.customer()
	doc = project(
		customer=cust,
		executive_sponsor="Ms. Li, CEO",
		project_manager="Administrator",
		current_phase="Configuration",
		phases=[
			{
				"phase_name": "Requirements",
				"planned_start_date": "2026-01-01",
				"planned_end_date": "2026-01-31",
			},
			{
				"phase_name": "Configuration",
				"planned_start_date": "2026-02-01",
				"planned_end_date": "2026-03-15",
			},
		],
		risks=[{"risk": "Scope creep", "category": "Business", "likelihood": 4, "impact": 5}],
	).insert()
	assert doc.risks[0].risk_score == 20


def test_project_sales_order_must_be_the_customers():
	mine, theirs = factories.customer(), factories.customer()
	order = factories.sales_order(theirs, 100)
	with pytest.raises(frappe.ValidationError, match="is for customer"):
		project(customer=mine, sales_order=order.name).insert()


def test_settings_thresholds_must_rise():
	settings = frappe.get_single("CRM Pack Settings")
	settings.abc_a_share, settings.abc_b_share = 90, 80
	with pytest.raises(frappe.ValidationError, match="ABC shares must rise"):
		settings.save()
	frappe.db.rollback()
	assert frappe.db.get_single_value("CRM Pack Settings", "abc_a_share") != 90


def test_crm_customer_satisfaction_out_of_range_is_refused():
	cust = factories.customer()
	doc = frappe.get_doc("CRM Customer", cust)
	doc.satisfaction_score = 9
	with pytest.raises(frappe.ValidationError, match="Satisfaction must be between 1 and 5"):
		doc.save()
