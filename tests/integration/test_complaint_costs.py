"""A complaint linked to the credit note, return or warranty claim it caused shows its
cost beside its clock; bad links and bad targets are refused with nothing saved."""

import frappe
import pytest

from crm_pack.interactions.service_levels import complaint_sla
from tests.integration import factories


def complaint(cust, **values):
	return frappe.get_doc(
		{
			"doctype": "Customer Interaction",
			"customer": cust,
			"channel": "Phone",
			"interaction_type": "Complaint",
			"subject": "Wrong goods delivered",
			**values,
		}
	).insert()


def test_credit_note_cost_shows_and_follows_cancellation():
	cust = factories.customer()
	invoice = factories.sales_invoice(cust, 500)
	credit = factories.credit_note(invoice, qty=1)
	doc = complaint(cust)
	doc.append("costs", {"document_type": "Sales Invoice", "document": credit.name, "amount": 1})
	doc.save()
	assert doc.complaint_cost == pytest.approx(500)  # the document's value, not the typed 1
	assert doc.costs[0].posting_date and doc.costs[0].document_status == "Return"
	assert doc.response_by  # the clock runs beside it
	credit.reload()
	credit.cancel()
	assert frappe.db.get_value("Customer Interaction", doc.name, "complaint_cost") == 0
	assert (
		frappe.db.get_value("Customer Interaction Cost", {"parent": doc.name}, "document_status")
		== "Cancelled"
	)


def test_warranty_claim_cost_is_entered():
	cust = factories.customer()
	claim = frappe.get_doc(
		{
			"doctype": "Warranty Claim",
			"customer": cust,
			"complaint": "Motor failed",
			"company": factories.company(),
			"complaint_date": frappe.utils.nowdate(),
			"status": "Open",
		}
	).insert(ignore_permissions=True)
	doc = complaint(cust)
	doc.append("costs", {"document_type": "Warranty Claim", "document": claim.name, "amount": 80})
	doc.save()
	assert doc.complaint_cost == 80


@pytest.mark.parametrize("case", ["not_a_return", "other_customer", "not_a_complaint"])
def test_wrong_documents_are_refused_and_nothing_saved(case):
	cust = factories.customer()
	invoice = factories.sales_invoice(cust, 200)
	if case == "other_customer":
		other = factories.customer()
		linked = factories.credit_note(factories.sales_invoice(other, 100)).name
	elif case == "not_a_return":
		linked = invoice.name
	else:
		linked = factories.credit_note(invoice).name
	doc = complaint(cust, interaction_type="Inquiry" if case == "not_a_complaint" else "Complaint")
	doc.append("costs", {"document_type": "Sales Invoice", "document": linked})
	message = {
		"not_a_return": "is not a return",
		"other_customer": "belongs to customer",
		"not_a_complaint": "Only a complaint",
	}[case]
	with pytest.raises(frappe.ValidationError, match=message):
		doc.save()
	assert frappe.db.count("Customer Interaction Cost", {"parent": doc.name}) == 0
	assert not frappe.db.get_value("Customer Interaction", doc.name, "complaint_cost")


def test_negative_service_level_targets_are_refused():
	sla = frappe.get_doc("CRM Service Level", complaint_sla())
	before = [(p.priority, p.response_time) for p in sla.priorities]
	sla.priorities[0].response_time = -3600
	with pytest.raises(frappe.ValidationError, match="positive durations"):
		sla.save()
	assert [
		(p.priority, p.response_time) for p in frappe.get_doc("CRM Service Level", sla.name).priorities
	] == before


def test_settings_refuse_a_negative_window():
	settings = frappe.get_doc("CRM Pack Settings")
	settings.scorecard_attribution_days = -3
	with pytest.raises(frappe.ValidationError, match="at least 1 day"):
		settings.save()
	assert frappe.db.get_single_value("CRM Pack Settings", "scorecard_attribution_days") == 30
