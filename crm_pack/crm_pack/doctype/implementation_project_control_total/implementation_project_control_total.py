from frappe.model.document import Document


class ImplementationProjectControlTotal(Document):
	pass
