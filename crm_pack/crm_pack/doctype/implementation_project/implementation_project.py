import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, nowdate

from crm_pack.projects import measures
from crm_pack.projects.rules import backlog, gates, health, method, progress
from crm_pack.projects.rules.project_checks import Row, check_project, risk_score
from crm_pack.utils import rendered_texts as texts
from crm_pack.utils.validation import throw_problems

CHILD_TABLES = ("phases", "requirements", "risks", "training_sessions")


def _date(value):
	return getdate(value) if value else None


class ImplementationProject(Document):
	@property
	def health_reasons(self) -> str:
		"""Virtual: rendered for the reader from the stored codes (crm_pack/texts.py)."""
		return texts.render(self.health_reasons_codes)

	def before_insert(self):
		"""A new project starts from its method: phases with planned dates, their checklists
		and the risk register seeded from the texts' checklists."""
		template = self.method = self.method or method.CLASSIC
		if not self.phases:
			start = _date(self.planned_start_date) or getdate(nowdate())
			for row in method.plan_phases(template, start, _date(self.planned_go_live_date)):
				self.append("phases", row)
			# checklists belong to the template's phases; hand-made phases bring their own
			if not self.gate_items:
				for row in method.gate_items(template):
					self.append("gate_items", row)
		if not self.risks:
			for row in method.seed_risks():
				self.append("risks", {**row, "risk_owner": self.project_manager})

	def validate(self):
		self.take_gantt_move()
		self.follow_phases()
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
		self.order_requirements()
		self.stamp_checklists()
		self.measure_control_totals()
		throw_problems(self.gate_problems())
		self.update_health()
		self.gantt_start_date = self.actual_start_date or self.planned_start_date
		self.gantt_end_date = self.actual_go_live_date or self.planned_go_live_date

	def take_gantt_move(self):
		"""A bar dragged on the Gantt (or Calendar) writes the shown dates: where nothing has
		happened yet, that moves the plan; actual dates are history and stay."""
		before = self.get_doc_before_save()
		if not before:
			return
		for shown, planned, actual in (
			("gantt_start_date", "planned_start_date", "actual_start_date"),
			("gantt_end_date", "planned_go_live_date", "actual_go_live_date"),
		):
			if _date(self.get(shown)) != _date(before.get(shown)) and not self.get(actual):
				self.set(planned, self.get(shown))

	def phase_states(self) -> list[progress.PhaseState]:
		return [
			progress.PhaseState(
				p.phase_name,
				p.status,
				_date(p.actual_start_date),
				_date(p.actual_end_date),
				bool((t := method.phase_template(self.method, p.phase_name)) and t.is_go_live),
			)
			for p in self.phases
		]

	def follow_phases(self):
		"""Current phase, status and actual dates follow the phases (projects/rules/progress.py)."""
		states = self.phase_states()
		if not states:
			return
		# a person (or the phase Kanban, or an import of a running project) put the project in a phase
		before = self.get_doc_before_save()
		chosen = (
			self.current_phase if (before.current_phase if before else None) != self.current_phase else None
		)
		result = progress.follow_phases(
			states,
			self.status,
			_date(self.actual_start_date),
			_date(self.actual_go_live_date),
			getdate(nowdate()),
			chosen,
		)
		for row, state in zip(self.phases, states, strict=True):
			row.status, row.actual_start_date, row.actual_end_date = (
				state.status,
				state.actual_start,
				state.actual_end,
			)
		self.current_phase = result.current_phase
		self.status = result.status
		self.actual_start_date = result.actual_start
		self.actual_go_live_date = result.actual_go_live

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

	def _phases(self) -> list[gates.Phase]:
		return [gates.Phase(p.idx, p.phase_name, p.status or "Not Started") for p in self.phases]

	def _baseline_completed(self) -> bool:
		for p in self.phases:
			template = method.phase_template(self.method, p.phase_name)
			if template and template.is_baseline:
				return p.status == "Completed"
		return False

	def order_requirements(self):
		baseline_done = self._baseline_completed()
		for r in self.requirements:
			if r.is_new() and not r.added_on:
				r.added_on = nowdate()
				r.is_scope_change = int(backlog.is_scope_change(True, baseline_done))
		order = backlog.prioritise(
			[
				backlog.Requirement(r.name or str(id(r)), r.business_value, r.constraint_count, r.idx)
				for r in self.requirements
			]
		)
		position = {key: i for i, key in enumerate(order, start=1)}
		self.requirements.sort(key=lambda r: position[r.name or str(id(r))])
		for i, r in enumerate(self.requirements, start=1):
			r.idx = r.priority_rank = i
		self.scope_change_count = sum(1 for r in self.requirements if r.is_scope_change)

	def stamp_checklists(self):
		for item in self.gate_items:
			if item.done and not item.done_by:
				item.done_by, item.done_on = frappe.session.user, nowdate()
			elif not item.done:
				item.done_by = item.done_on = None

	def go_live_date(self):
		return _date(self.actual_go_live_date) or _date(self.planned_go_live_date)

	def measure_control_totals(self):
		before = self.get_doc_before_save()
		accepted_before = {r.name for r in (before.control_totals if before else []) if r.accepted}
		sponsor_users = {m.user for m in self.team if m.project_role == "Executive Sponsor" and m.user}
		for row in self.control_totals:
			row.site_value = measures.site_value(row.measure, row.reference, self.go_live_date())
			row.difference = None if row.site_value is None else round(row.site_value - row.legacy_value, 2)
			if row.accepted and row.name not in accepted_before:
				if not sponsor_users:
					frappe.throw(
						_(
							"Only the executive sponsor accepts a difference: link the sponsor in the team to a user."
						)
					)
				if frappe.session.user not in sponsor_users:
					frappe.throw(
						_("Only the executive sponsor ({0}) can accept a difference.").format(
							", ".join(sorted(sponsor_users))
						)
					)
				row.accepted_by = frappe.session.user
			elif not row.accepted:
				row.accepted_by = None

	def gate_problems(self):
		phases = self._phases()
		open_items: dict[str, list[str]] = {}
		for item in self.gate_items:
			if not item.done:
				open_items.setdefault(item.phase_name, []).append(_(item.item))
		has_sponsor = bool(self.executive_sponsor) or any(
			m.project_role == "Executive Sponsor" for m in self.team
		)
		has_manager = bool(self.project_manager) or any(
			m.project_role == "Project Manager" for m in self.team
		)
		migration_completing = any(
			p.status == "Completed"
			and (t := method.phase_template(self.method, p.phase_name))
			and t.is_data_migration
			for p in self.phases
		)
		totals = [
			gates.ControlTotal(
				t.idx,
				_(t.measure),
				t.reference,
				t.legacy_value or 0,
				t.site_value,
				bool(t.accepted),
				t.accepted_reason,
			)
			for t in self.control_totals
		]
		return (
			gates.check_sponsor_and_manager(phases, self.current_phase, has_sponsor, has_manager)
			+ gates.check_phase_gates(phases, open_items)
			+ gates.check_control_totals(totals, migration_completing)
		)

	def update_health(self):
		today = getdate(nowdate())
		self.open_high_risks = sum(
			1 for r in self.risks if r.status != "Closed" and (r.risk_score or 0) >= health.HIGH_RISK_SCORE
		)
		phase_rows = [
			{"planned_end_date": _date(p.planned_end_date), "status": p.status} for p in self.phases
		]
		self.schedule_slip_days = health.slip_days(phase_rows, today)
		rates = measures.documents_per_week([(t.user, t.trained_on) for t in self.trainees], today)
		for t in self.trainees:
			t.documents_per_week = rates.get(t.user, 0)
		adoption = health.adoption(rates, self.adoption_target_per_week or 5)
		self.adoption_percent = adoption
		self.adoption_updated_on = now_datetime()
		start, end = _date(self.planned_start_date), _date(self.planned_go_live_date)
		result = health.assess(
			health.HealthInputs(
				slip_days=self.schedule_slip_days,
				planned_days=(end - start).days if start and end else 90,
				open_high_risks=self.open_high_risks,
				requirements=len(self.requirements),
				scope_changes=self.scope_change_count,
				adoption_percent=adoption,
			)
		)
		self.health_score = result.score
		# codes, not text: whoever saved last (or the nightly refresh) must not decide the
		# language everyone else reads the reasons in
		self.health_reasons_codes = texts.encode(result.reasons or [health.ON_PLAN])


@frappe.whitelist()
def refresh_health(name: str) -> dict:
	"""Re-measures adoption, control totals and health now (also done nightly)."""
	doc = frappe.get_doc("Implementation Project", name)
	doc.check_permission("write")
	doc.save()
	return {"health_score": doc.health_score, "health_reasons": doc.health_reasons}


MEASURED_FIELDS = (
	"open_high_risks",
	"schedule_slip_days",
	"adoption_percent",
	"adoption_updated_on",
	"health_score",
	"health_reasons",
)


def refresh_active_projects(commit: bool = True):
	"""Scheduler: adoption, schedule slip and control totals change with time, not with
	edits. The measured values are written as they are, without saving the project: no
	version entry, no "modified by Administrator", no validation of what users typed."""
	for name in frappe.get_all(
		"Implementation Project",
		filters={"status": ("in", ("Planning", "In Progress", "Live"))},
		pluck="name",
	):
		try:
			_store_measures(frappe.get_doc("Implementation Project", name))
			if commit:
				frappe.db.commit()
		except Exception:
			if commit:
				frappe.db.rollback()
			frappe.log_error(title=f"crm_pack: could not refresh project {name}")


def _store_measures(doc) -> None:
	doc.update_health()
	until = doc.go_live_date()
	for row in doc.control_totals:
		site_value = measures.site_value(row.measure, row.reference, until)
		difference = None if site_value is None else round(site_value - (row.legacy_value or 0), 2)
		if (site_value, difference) != (row.site_value, row.difference):
			frappe.db.set_value(
				row.doctype,
				row.name,
				{"site_value": site_value, "difference": difference},
				update_modified=False,
			)
	for t in doc.trainees:
		frappe.db.set_value(
			t.doctype, t.name, "documents_per_week", t.documents_per_week, update_modified=False
		)
	frappe.db.set_value(
		doc.doctype, doc.name, {f: doc.get(f) for f in MEASURED_FIELDS}, update_modified=False
	)
