from frappe.model.document import Document


class CustomerInteractionCost(Document):
	pass
