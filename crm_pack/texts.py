"""Texts the app computes and stores on records, kept language-neutral.

A churn reason, the lifetime-value explanation, what a record is missing or why a
project's health is what it is: each is stored as codes and arguments, JSON
`[[template, [argument, …]], …]`, and rendered when someone reads it, in their
language. Stored as translated text it would be in the language of whoever (or
whichever job) saved last, and flip between Chinese and English on a shared site.

* The template is the English source, marked with `_` where it is written: it is
  the translation key, so it needs no code table of its own.
* Arguments are typed so each renders in the reader's format: a number (their number
  format), `{"date": "YYYY-MM-DD"}` (their date format), `{"money": [amount, currency]}`
  (their number format with the currency's symbol), `{"label": "…"}` (English UI
  text, translated too) or plain text (data, such as an item group's name, shown as
  it is).

No frappe import: the site binds translation and formatting (crm_pack/utils/rendered_texts.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable

from crm_pack.problems import Label, Money

DATE, LABEL, MONEY = "date", "label", "money"


def argument(value):
	"""A JSON-safe, typed argument. The common types are tested first and exactly: this
	runs for every reason of every customer in the nightly run."""
	kind = type(value)
	if kind is int or kind is float or kind is str:
		return value
	if kind is dt.date:
		return {DATE: value.isoformat()}
	if isinstance(value, Label):
		return {LABEL: str(value)}
	if isinstance(value, Money):
		return {MONEY: [round(float(value.amount), 2), value.currency]}
	if isinstance(value, dt.datetime):
		return {DATE: value.date().isoformat()}
	if isinstance(value, dt.date):
		return {DATE: value.isoformat()}
	return value


# built once: json.dumps with options builds an encoder per call
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(pairs: Iterable[tuple[str, Iterable]]) -> str:
	"""The stored form of (template, args) pairs; "" for none, so an empty text stays empty."""
	rows = [[template, [argument(a) for a in args]] for template, args in pairs]
	return _ENCODER.encode(rows) if rows else ""


def decode(stored: str | None) -> list[tuple[str, list]] | None:
	"""The pairs in `stored`; [] when empty, None when it is not codes (a text written
	before texts were stored as codes: it is shown as it is)."""
	if not stored:
		return []
	if not stored.startswith("[["):
		return None
	try:
		rows = json.loads(stored)
	except ValueError:
		return None
	if not all(isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) for r in rows):
		return None
	return [(template, list(args or ())) for template, args in rows]


def decimals(number: float) -> int:
	"""Decimals to show: none for a whole number, else as many as it has (at most 2, as
	the rules round them): 30 stays "30", not "30.00"."""
	if float(number).is_integer():
		return 0
	text = repr(float(number)).partition(".")[2]
	return min(len(text), 2)


class Renderer:
	"""Renders stored texts for one reader. Templates are translated once each: a report
	renders thousands of rows from a handful of templates."""

	def __init__(
		self,
		translate: Callable[[str], str],
		format_date: Callable[[dt.date], str],
		format_number: Callable[[float, int], str],
		format_money: Callable[[float, str | None], str] | None = None,
	):
		self.translate = translate
		self.format_date = format_date
		self.format_number = format_number
		self.format_money = format_money or (lambda amount, _currency: format_number(amount, 2))
		self._templates: dict[str, str] = {}

	def _template(self, template: str) -> str:
		text = self._templates.get(template)
		if text is None:
			text = self._templates[template] = self.translate(template)
		return text

	def _argument(self, value):
		if isinstance(value, dict):
			if DATE in value:
				return self.format_date(dt.date.fromisoformat(value[DATE]))
			if LABEL in value:
				return self._template(value[LABEL])
			if MONEY in value:
				amount, currency = value[MONEY]
				return self.format_money(amount, currency)
		if isinstance(value, bool) or not isinstance(value, int | float):
			return value
		return self.format_number(value, decimals(value))

	def pairs(self, pairs: Iterable[tuple[str, Iterable]]) -> list[str]:
		"""One rendered line per pair. A translation whose placeholders do not fit the
		arguments falls back to the English template rather than failing the page."""
		lines = []
		for template, args in pairs:
			shown = [self._argument(a) for a in args]
			try:
				lines.append(self._template(template).format(*shown))
			except (IndexError, KeyError, ValueError):
				lines.append(template.format(*shown))
		return lines

	def __call__(self, stored: str | None, separator: str = "\n") -> str:
		pairs = decode(stored)
		if pairs is None:
			return stored or ""
		return separator.join(self.pairs(pairs))
