"""Validation of a Customer Interaction."""

import datetime as dt

from crm_pack.problems import Label, Problem, _

REFERENCE_DOCTYPES = ("Sales Order", "Sales Invoice", "Implementation Project")


def check_interaction(
	*,
	interaction_datetime: dt.datetime | None,
	follow_up_date: dt.date | None,
	reference_doctype: str | None,
	reference_name: str | None,
	satisfaction: int | None = None,
	follow_up_done: bool = False,
) -> list[Problem]:
	problems = []
	if satisfaction and not 1 <= satisfaction <= 5:
		problems.append(
			Problem(
				"satisfaction", _("Satisfaction is 1 to 5 (or 0 when not asked), not {0}."), (satisfaction,)
			)
		)
	if follow_up_done and not follow_up_date:
		problems.append(
			Problem("follow_up_done", _("Set the follow-up date before marking the follow-up done."))
		)
	if follow_up_date and interaction_datetime and follow_up_date < interaction_datetime.date():
		problems.append(
			Problem(
				"follow_up_date",
				_("Follow-up date {0} is before the interaction itself ({1}). Pick a later date."),
				(follow_up_date, interaction_datetime.date()),
			)
		)
	if reference_doctype and reference_doctype not in REFERENCE_DOCTYPES:
		problems.append(
			Problem(
				"reference_doctype",
				_(
					"An interaction can refer to a Sales Order, a Sales Invoice or an Implementation Project, not a {0}."
				),
				(reference_doctype,),
			)
		)
	if reference_doctype and not reference_name:
		problems.append(
			Problem("reference_name", _("Choose which {0} this interaction refers to."), (reference_doctype,))
		)
	return problems


COST_DOCTYPES = ("Sales Invoice", "Delivery Note", "Warranty Claim")
COSTS_TABLE = Label("Documents this Complaint Caused")


def check_cost_row(
	*,
	idx: int,
	interaction_type: str,
	document_type: str,
	document: str,
	customer: str,
	found: dict | None,
) -> list[Problem]:
	"""A complaint's cost row must point at a document of the same customer that a complaint
	can cause: a submitted credit note, a submitted return delivery, or a warranty claim.
	`found` holds the document's customer, docstatus and is_return (None: not found)."""
	row = (COSTS_TABLE, idx)
	doc_label = Label(document_type)
	if interaction_type != "Complaint":
		message, args = _("Only a complaint can have credit notes, returns or warranty claims linked."), ()
	elif document_type not in COST_DOCTYPES:
		message = _(
			"Link a Sales Invoice (credit note), Delivery Note (return) or Warranty Claim, not a {0}."
		)
		args = (doc_label,)
	elif not found:
		message, args = _("{0} {1} does not exist."), (doc_label, document)
	elif found.get("customer") != customer:
		message = _("{0} {1} belongs to customer {2}, not to {3}.")
		args = (doc_label, document, found.get("customer"), customer)
	elif document_type != "Warranty Claim" and not found.get("is_return"):
		message = _("{0} {1} is not a return. Link the credit note or return delivery itself.")
		args = (doc_label, document)
	elif document_type != "Warranty Claim" and found.get("docstatus") == 0:
		message, args = _("Submit {0} {1} before linking it as a cost."), (doc_label, document)
	else:
		return []
	return [Problem("costs", message, args, row=row)]


def cost_of(document_type: str, found: dict, entered: float) -> float:
	"""What a linked document cost: a return's value in company currency (zero once it is
	cancelled); a warranty claim carries no amount in ERPNext, so the entered cost stands."""
	if document_type == "Warranty Claim":
		return max(entered or 0.0, 0.0)
	if found.get("docstatus") != 1:
		return 0.0
	return abs(found.get("base_grand_total") or 0.0)


def check_service_level_targets(priorities: list[tuple[int, str, float, float]]) -> list[Problem]:
	"""(row, priority, response seconds, resolution seconds) of an agreement for interactions:
	targets are durations from now, so each must be positive."""
	problems = []
	for idx, priority, response, resolution in priorities:
		if (response or 0) <= 0 or (resolution or 0) < 0:
			problems.append(
				Problem(
					"priorities",
					_("Priority {0}: response and resolution times must be positive durations."),
					(priority,),
					row=(Label("Priorities"), idx),
				)
			)
	return problems


def check_service_level(
	*,
	priorities: list[tuple[int, str, float, float]],
	default_priority: str | None,
	days: list[tuple[int, str, float, float]],
	for_resolution: bool = True,
) -> list[Problem]:
	"""A CRM Service Level: positive targets, each priority and workday once, the default
	priority among the targets, and working hours that end after they start (the clock
	counts only inside them). `days` are (row, workday, start seconds, end seconds)."""
	problems = check_service_level_targets(priorities)
	seen = set()
	for idx, priority, response, resolution in priorities:
		if priority in seen:
			problems.append(
				Problem(
					"priorities",
					_("Priority {0} is listed twice."),
					(priority,),
					row=(Label("Priorities"), idx),
				)
			)
		seen.add(priority)
		if for_resolution and response and resolution and response > resolution:
			problems.append(
				Problem(
					"priorities",
					_("Priority {0}: the first response cannot be due after the resolution."),
					(priority,),
					row=(Label("Priorities"), idx),
				)
			)
	if default_priority and default_priority not in seen:
		problems.append(
			Problem(
				"default_priority",
				_("Add a target for the default priority {0}."),
				(Label(default_priority),),
			)
		)
	workdays = set()
	for idx, workday, start, end in days:
		if workday in workdays:
			problems.append(
				Problem(
					"working_hours",
					_("{0} is listed twice."),
					(Label(workday),),
					row=(Label("Working Hours"), idx),
				)
			)
		workdays.add(workday)
		if start is not None and end is not None and end <= start:
			problems.append(
				Problem(
					"working_hours",
					_("{0}: working hours must end after they start."),
					(Label(workday),),
					row=(Label("Working Hours"), idx),
				)
			)
	if not days:
		problems.append(Problem("working_hours", _("Add the working hours the targets count in.")))
	return problems
