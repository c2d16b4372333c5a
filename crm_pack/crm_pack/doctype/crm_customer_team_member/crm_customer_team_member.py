from frappe.model.document import Document


class CRMCustomerTeamMember(Document):
	pass
