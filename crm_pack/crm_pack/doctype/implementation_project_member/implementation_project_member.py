from frappe.model.document import Document


class ImplementationProjectMember(Document):
	pass
