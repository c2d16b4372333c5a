from frappe.model.document import Document


class ImplementationProjectRisk(Document):
	pass
