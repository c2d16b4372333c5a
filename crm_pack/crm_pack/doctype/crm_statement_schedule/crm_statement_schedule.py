import frappe
from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from crm_pack.credit_control.rules import statement as rules
from crm_pack.utils.validation import throw_problems


class CRMStatementSchedule(Document):
	def validate(self):
		throw_problems(rules.check_schedule(self.frequency, self.day_of_period))
		today = getdate(nowdate())
		if not self.next_run_date:
			self.next_run_date = rules.first_run_date(self.frequency, self.day_of_period, today)
		elif (self.has_value_changed("frequency") or self.has_value_changed("day_of_period")) and getdate(
			self.next_run_date
		) > today:
			# a new rhythm moves a run still ahead; a run that is due stays due, whatever
			# else is edited (ERPNext's Process Statement of Accounts stops after an edit)
			self.next_run_date = rules.first_run_date(self.frequency, self.day_of_period, today)


def on_doctype_update():
	frappe.db.add_index("CRM Statement Schedule", ["enabled", "next_run_date"])
