from frappe.model.document import Document


class ImplementationProjectTrainee(Document):
	pass
