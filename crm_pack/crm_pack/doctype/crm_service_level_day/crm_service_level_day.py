from frappe.model.document import Document


class CRMServiceLevelDay(Document):
	pass
