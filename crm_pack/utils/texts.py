"""Stored texts (crm_pack/texts.py) rendered for the person reading them: their
language (frappe._ follows the session's), the site's date and number formats."""

import frappe
from frappe.utils import fmt_money, formatdate

from crm_pack import texts

# site code stores with this and renders with the functions below
encode = texts.encode


def _number(value: float, decimals: int) -> str:
	return fmt_money(value, precision=decimals)


def renderer() -> texts.Renderer:
	"""One per request or report: it keeps the translated templates."""
	return texts.Renderer(frappe._, formatdate, _number)


def render(stored: str | None, separator: str = "\n") -> str:
	return renderer()(stored, separator)


def render_field(rows: list[dict], stored: str, shown: str, separator: str = "\n") -> None:
	"""Sets `shown` on each row from its codes in `stored` (reports and lists)."""
	render_one = renderer()
	for row in rows:
		row[shown] = render_one(row.pop(stored, None), separator)


# What a list of missing items is joined with, in the reader's language: a Chinese list
# reads with 、 rather than a comma.
def list_separator() -> str:
	return frappe._("{0}, {1}").format("", "")
