"""Turns the domain rules' Problems into one translated message for the user."""

import frappe
from frappe import _

from crm_pack.problems import Label, Problem


def render(problem: Problem) -> str:
	args = [_(a) if isinstance(a, Label) else a for a in problem.args]
	text = _(problem.message).format(*args)
	if problem.row:
		table, idx = problem.row
		text = _("Row {0} of {1}: {2}").format(idx, _(table), text)
	return text


def throw_problems(problems: list[Problem], title: str | None = None) -> None:
	"""Nothing is saved when a rule fails: frappe.throw aborts the save and its transaction."""
	if not problems:
		return
	messages = [render(p) for p in problems]
	frappe.throw(
		messages[0] if len(messages) == 1 else "<br>".join(messages),
		frappe.ValidationError,
		title=title or _("Please correct"),
	)
