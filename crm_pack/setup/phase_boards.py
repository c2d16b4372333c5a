"""Desk records that cannot ship as module JSON: the implementation-phase Kanban boards.

Implementation Project's `current_phase` holds the name of one of the project's own
phases (a Data field: the method decides the phase names). Frappe's Kanban needs a
board record with one column per value, so there is one public board per method, its
columns the method's phases in order, filtered to that method's projects. Moving a
card sets `current_phase` and saves the project, so the phase gates still apply.

`ensure_desk_records()` is idempotent (after_install and after_migrate): it creates a
missing board and appends phases a method gained, leaving columns users archived or
reordered as they are.
"""

import json

import frappe

from crm_pack.projects.rules import method

DOCTYPE = "Implementation Project"
COLOURS = ("Blue", "Cyan", "Purple", "Orange", "Yellow", "Green")
BOARDS = {
	method.CLASSIC: "Implementation Phases",
	method.COURSE: "Implementation Phases (Scope to Cut-over)",
}


def ensure_desk_records() -> None:
	for template, board_name in BOARDS.items():
		ensure_phase_board(board_name, template)


def ensure_phase_board(board_name: str, template: str) -> str:
	phases = [str(p.name) for p in method.TEMPLATES[template]]
	if frappe.db.exists("Kanban Board", board_name):
		board = frappe.get_doc("Kanban Board", board_name)
		present = {c.column_name for c in board.columns}
		missing = [p for p in phases if p not in present]
		if missing:
			for phase in missing:
				board.append("columns", {"column_name": phase, "status": "Active", "indicator": "Gray"})
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
			"filters": json.dumps([[DOCTYPE, "method", "=", template, False]]),
			# the Kanban view fetches only list-view fields, so the card shows those
			"fields": json.dumps(["customer", "status", "health_score"]),
			"columns": [
				{"column_name": phase, "status": "Active", "indicator": COLOURS[i % len(COLOURS)]}
				for i, phase in enumerate(phases)
			],
		}
	)
	board.insert(ignore_permissions=True)
	return board.name


def remove_desk_records() -> None:
	"""For before_uninstall: the boards point at a doctype that is about to go."""
	for board_name in BOARDS.values():
		if frappe.db.exists("Kanban Board", board_name):
			frappe.delete_doc("Kanban Board", board_name, ignore_permissions=True, delete_permanently=True)
