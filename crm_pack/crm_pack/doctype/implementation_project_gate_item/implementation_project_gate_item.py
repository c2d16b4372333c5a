from frappe.model.document import Document


class ImplementationProjectGateItem(Document):
	pass
