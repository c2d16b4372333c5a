import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, getdate

from crm_pack.interactions.rules import check_interaction
from crm_pack.utils.validation import throw_problems


class CustomerInteraction(Document):
	def validate(self):
		throw_problems(
			check_interaction(
				interaction_datetime=get_datetime(self.interaction_datetime)
				if self.interaction_datetime
				else None,
				follow_up_date=getdate(self.follow_up_date) if self.follow_up_date else None,
				reference_doctype=self.reference_doctype,
				reference_name=self.reference_name,
			)
		)
		self.validate_reference_belongs_to_customer()

	def validate_reference_belongs_to_customer(self):
		if not (self.reference_doctype and self.reference_name):
			return
		owner = frappe.db.get_value(self.reference_doctype, self.reference_name, "customer")
		if owner is None:
			frappe.throw(
				_("{0} {1} does not exist.").format(_(self.reference_doctype), self.reference_name),
				frappe.LinkValidationError,
			)
		if owner != self.customer:
			frappe.throw(
				_("{0} {1} belongs to customer {2}, not to {3}.").format(
					_(self.reference_doctype), self.reference_name, owner, self.customer
				)
			)
