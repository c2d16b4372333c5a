from frappe.model.document import Document


class ImplementationProjectRequirement(Document):
	pass
