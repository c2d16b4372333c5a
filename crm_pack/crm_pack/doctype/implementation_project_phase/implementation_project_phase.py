from frappe.model.document import Document


class ImplementationProjectPhase(Document):
	pass
