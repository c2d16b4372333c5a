from frappe.model.document import Document


class CRMServiceLevelTarget(Document):
	pass
