"""Turns the domain rules' Problems into one translated message for the user."""

import datetime as dt

import frappe
from frappe import _
from frappe.utils import fmt_money, format_datetime, formatdate

from crm_pack.problems import Label, Money, Problem


def _shown(arg):
	"""A rule's argument as the desk shows it: labels translated, money and dates in the user's
	format."""
	if isinstance(arg, Label):
		return _(arg)
	if isinstance(arg, Money):
		return fmt_money(arg.amount, currency=arg.currency)
	if isinstance(arg, dt.datetime):
		return format_datetime(arg)
	if isinstance(arg, dt.date):
		return formatdate(arg)
	return arg


def render(problem: Problem) -> str:
	args = [_shown(a) for a in problem.args]
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
