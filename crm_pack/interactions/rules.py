"""Validation of a Customer Interaction."""

import datetime as dt

from crm_pack.problems import Problem, _

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
