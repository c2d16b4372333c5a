from frappe.model.document import Document


class CRMServiceLevelPriority(Document):
	pass
