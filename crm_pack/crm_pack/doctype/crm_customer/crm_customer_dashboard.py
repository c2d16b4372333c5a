from frappe import _


def get_data():
	# CRM Customer is named after its ERPNext Customer, so ERPNext documents link to it by `customer`.
	return {
		"fieldname": "customer",
		"non_standard_fieldnames": {"Payment Entry": "party"},
		"transactions": [
			{"label": _("Selling"), "items": ["Sales Order", "Sales Invoice"]},
			{"label": _("Payments"), "items": ["Payment Entry"]},
			{"label": _("CRM"), "items": ["Customer Interaction", "Implementation Project"]},
		],
	}
