"""Desk records that cannot ship as module JSON: the implementation-phase Kanban boards.

Implementation Project's `current_phase` holds the name of one of the project's own
phases (a Data field: the method decides the phase names). Frappe's Kanban needs a
board record with one column per value. "Implementation Phases" (the workspace's
shortcut) has the phases of every method, method after method, and no filter, so every
project is on it whichever method it follows; "Implementation Phases (Scope to
Cut-over)" is that method's projects alone. Moving a card sets `current_phase` and saves
the project, so the phase gates still apply (a phase of another method is refused).

`ensure_desk_records()` is idempotent (after_install and after_migrate): it creates a
missing board and appends phases a method gained, leaving columns users archived or
reordered as they are.
"""

import json

import frappe

from crm_pack.projects.rules import method

DOCTYPE = "Implementation Project"
COLOURS = ("Blue", "Cyan", "Purple", "Orange", "Yellow", "Green")
ALL_METHODS = None
BOARDS = {
	"Implementation Phases": ALL_METHODS,
	"Implementation Phases (Scope to Cut-over)": method.COURSE,
}


def ensure_desk_records() -> None:
	for board_name, template in BOARDS.items():
		ensure_phase_board(board_name, template)
	from crm_pack.setup import analytics_notice

	analytics_notice.ensure()


def _method_filter(template: str | None) -> str:
	if template is None:
		# frappe's Kanban reads the board's first filter whenever it orders a column, so
		# "every project" is a filter that holds for all, not an empty list
		return json.dumps([[DOCTYPE, "name", "is", "set", False]])
	return json.dumps([[DOCTYPE, "method", "=", template, False]])


def ensure_phase_board(board_name: str, template: str | None) -> str:
	templates = [template] if template else list(method.TEMPLATES)
	# the n-th phase of each method has the same colour: a board of both reads as stages
	colours = {
		str(p.name): COLOURS[i % len(COLOURS)] for t in templates for i, p in enumerate(method.TEMPLATES[t])
	}
	phases = list(colours)
	if frappe.db.exists("Kanban Board", board_name):
		board = frappe.get_doc("Kanban Board", board_name)
		present = {c.column_name for c in board.columns}
		missing = [p for p in phases if p not in present]
		for phase in missing:
			board.append("columns", {"column_name": phase, "status": "Active", "indicator": colours[phase]})
		# up to 0.1 the shortcut's board showed the first method's projects only
		widened = template is None and board.filters == _method_filter(method.CLASSIC)
		if widened:
			board.filters = _method_filter(None)
		if missing or widened:
			board.save(ignore_permissions=True)
		return board.name
	board = frappe.get_doc(
		{
			"doctype": "Kanban Board",
			"kanban_board_name": board_name,
			"reference_doctype": DOCTYPE,
			"field_name": "current_phase",
			"private": 0,
			"show_labels": 1,
			"filters": _method_filter(template),
			# the Kanban view fetches only list-view fields, so the card shows those
			"fields": json.dumps(["customer", "status", "health_score"]),
			"columns": [
				{"column_name": phase, "status": "Active", "indicator": colours[phase]} for phase in phases
			],
		}
	)
	board.insert(ignore_permissions=True)
	return board.name


def remove_desk_records() -> None:
	"""For before_uninstall: the boards point at a doctype that is about to go."""
	from crm_pack.setup import analytics_notice

	analytics_notice.remove()
	for board_name in BOARDS:
		if frappe.db.exists("Kanban Board", board_name):
			frappe.delete_doc("Kanban Board", board_name, ignore_permissions=True, delete_permanently=True)
