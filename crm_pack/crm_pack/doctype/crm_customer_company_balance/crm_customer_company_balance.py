from frappe.model.document import Document


class CRMCustomerCompanyBalance(Document):
	pass
