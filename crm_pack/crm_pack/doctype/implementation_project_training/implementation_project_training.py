from frappe.model.document import Document


class ImplementationProjectTraining(Document):
	pass
