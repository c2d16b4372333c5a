"""Response and resolution targets for customer interactions, crm_pack's own (the clock:
interactions/sla_engine.py and rules/service_clock.py). Replaces ERPNext's Service Level
Agreement for interactions, whose Support module v16 deprecates and v17 removes."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import to_timedelta

from crm_pack.interactions.rules.interaction_checks import check_service_level
from crm_pack.utils.validation import throw_problems


class CRMServiceLevel(Document):
	def validate(self):
		throw_problems(
			check_service_level(
				priorities=[(p.idx, p.priority, p.response_time, p.resolution_time) for p in self.priorities],
				default_priority=self.default_priority,
				days=[
					(
						d.idx,
						d.workday,
						to_timedelta(d.start_time).total_seconds() if d.start_time else None,
						to_timedelta(d.end_time).total_seconds() if d.end_time else None,
					)
					for d in self.working_hours
				],
				for_resolution=bool(self.apply_sla_for_resolution),
			)
		)
		self.validate_condition()
		self.validate_one_default()

	def validate_condition(self):
		if not self.condition:
			return
		from crm_pack.interactions.sla_engine import _context

		try:
			frappe.safe_eval(self.condition, None, _context(frappe.new_doc("Customer Interaction")))
		except Exception:
			frappe.throw(_("The condition {0} cannot be read.").format(frappe.bold(self.condition)))

	def validate_one_default(self):
		if not self.default_service_level:
			return
		other = frappe.db.exists("CRM Service Level", {"default_service_level": 1, "name": ("!=", self.name)})
		if other:
			frappe.throw(_("{0} is already the default service level.").format(frappe.bold(other)))
