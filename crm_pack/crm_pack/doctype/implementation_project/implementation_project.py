import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from crm_pack.projects.rules import Row, check_project, risk_score
from crm_pack.utils.validation import throw_problems

CHILD_TABLES = ("phases", "requirements", "risks", "training_sessions")


def _date(value):
	return getdate(value) if value else None


class ImplementationProject(Document):
	def validate(self):
		rows = [
			Row(table, row.idx, {k: _date(v) if k.endswith("_date") else v for k, v in row.as_dict().items()})
			for table in CHILD_TABLES
			for row in self.get(table)
		]
		throw_problems(
			check_project(
				planned_start=_date(self.planned_start_date),
				planned_go_live=_date(self.planned_go_live_date),
				actual_start=_date(self.actual_start_date),
				actual_go_live=_date(self.actual_go_live_date),
				rows=rows,
				current_phase=self.current_phase,
			)
		)
		self.validate_sales_order()
		for risk in self.risks:
			risk.risk_score = risk_score(risk.likelihood, risk.impact)

	def validate_sales_order(self):
		if not self.sales_order:
			return
		customer, docstatus = frappe.db.get_value("Sales Order", self.sales_order, ["customer", "docstatus"])
		if customer != self.customer:
			frappe.throw(
				_("Sales Order {0} is for customer {1}, not for {2}.").format(
					self.sales_order, customer, self.customer
				)
			)
		if docstatus == 2:
			frappe.throw(
				_("Sales Order {0} is cancelled; link the order that replaced it.").format(self.sales_order)
			)
