import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, getdate, now_datetime, nowdate

from crm_pack.credit_control import interactions as collections
from crm_pack.interactions import complaint_costs, follow_ups, sla_engine
from crm_pack.interactions.rules.interaction_checks import check_interaction
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
				satisfaction=self.satisfaction,
				follow_up_done=bool(self.follow_up_done),
			)
		)
		self.validate_reference_belongs_to_customer()
		throw_problems(complaint_costs.fill(self))
		collections.validate(self)
		self.stamp_follow_up_done()
		# the service-level clock stamps the first response on a reply; for an interaction,
		# leaving "Open" is that reply (the clock runs in before_save, sla_engine.py)
		before = self.get_doc_before_save()
		if before and before.status == "Open" and self.status != "Open":
			self.flags.on_first_reply = True
			# interactions without an agreement get their first response stamped here, so the
			# scorecard's response time covers every interaction, not just complaints
			if not self.get("service_level_agreement") and not self.get("first_responded_on"):
				self.first_responded_on = now_datetime()

	def before_save(self):
		# after every validate hook, so the clock sees the status and priority as saved
		sla_engine.apply(self)

	def stamp_follow_up_done(self):
		if self.follow_up_done and not self.follow_up_done_on:
			self.follow_up_done_on = nowdate()
		elif not self.follow_up_done:
			self.follow_up_done_on = None

	def on_update(self):
		# read before sync_assignment: its db_set loads the just-saved row as "before save"
		before = self.get_doc_before_save()
		changed = {
			f: self.has_value_changed(f)
			for f in ("satisfaction", "customer", "follow_up_date", "follow_up_done")
		}
		follow_ups.sync_assignment(self)
		moved_from = before.customer if before and before.customer != self.customer else None
		if changed["satisfaction"] or changed["customer"]:
			follow_ups.roll_up_satisfaction(self.customer)
			if moved_from:
				follow_ups.roll_up_satisfaction(moved_from)
		if changed["follow_up_date"] or changed["follow_up_done"] or changed["customer"]:
			follow_ups.roll_up_next_follow_up(self.customer)
			if moved_from:
				follow_ups.roll_up_next_follow_up(moved_from)
		collections.on_update(self)

	def after_insert(self):
		collections.after_insert(self)

	def on_trash(self):
		follow_ups.close_assignment(self)

	def after_delete(self):
		follow_ups.roll_up_satisfaction(self.customer)
		follow_ups.roll_up_next_follow_up(self.customer)

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
