from frappe.model.document import Document


class CustomerInteractionInvoice(Document):
	pass
