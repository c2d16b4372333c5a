from frappe.model.document import Document


class CRMServiceLevelStatus(Document):
	pass
