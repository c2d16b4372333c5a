from frappe.model.document import Document


class CRMCollectionLevel(Document):
	pass
