"""Stored texts (crm_pack/texts.py) rendered for the person reading them: their
language (frappe._ follows the session's), the site's date and number formats."""

import datetime as dt

import frappe
from frappe.translate import get_user_lang
from frappe.utils import fmt_money, format_datetime, formatdate

from crm_pack import texts
from crm_pack.problems import Label, Money

# site code stores with this and renders with the functions below
encode = texts.encode


def _number(value: float, decimals: int) -> str:
	return fmt_money(value, precision=decimals)


def _money(value: float, currency: str | None) -> str:
	return fmt_money(value, currency=currency)


def renderer() -> texts.Renderer:
	"""One per request or report: it keeps the translated templates."""
	return texts.Renderer(frappe._, formatdate, _number, _money)


def render(stored: str | None, separator: str = "\n") -> str:
	return renderer()(stored, separator)


def render_field(rows: list[dict], stored: str, shown: str, separator: str = "\n") -> None:
	"""Sets `shown` on each row from its codes in `stored` (reports and lists)."""
	render_one = renderer()
	for row in rows:
		row[shown] = render_one(row.pop(stored, None), separator)


def for_user(user: str, template: str, *args) -> str:
	"""A message with one reader (a ToDo, a desk notification): frappe's doctypes keep it
	as text, so it is written in its reader's language, not in the language of whoever
	or whichever job wrote it. `template` is the English source (marked with
	crm_pack.problems._); Label arguments are translated too, dates and times formatted."""
	lang = get_user_lang(user)

	def shown(value):
		if isinstance(value, Label):
			return frappe._(value, lang=lang)
		if isinstance(value, Money):
			return _money(value.amount, value.currency)
		if isinstance(value, dt.datetime):
			return format_datetime(value)
		if isinstance(value, dt.date):
			return formatdate(value)
		return value

	return frappe._(template, lang=lang).format(*(shown(a) for a in args))


# What a list of missing items is joined with, in the reader's language: a Chinese list
# reads with 、 rather than a comma.
def list_separator() -> str:
	return frappe._("{0}, {1}").format("", "")
