"""Updating many rows of one doctype in a few statements.

The rows travel as one JSON parameter per chunk and MariaDB's JSON_TABLE turns them
back into rows to join on: 100,000 customers in about 4 s. Escaping the same
values one by one as SQL parameters cost 5 s of Python alone (two million values)
before the server saw them. The statement's text comes from field names the caller
declares in code, checked against the doctype; every value is a parameter.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence

import frappe

CHUNK = 10_000


@functools.lru_cache(maxsize=8)
def _update_sql(doctype: str, fields: tuple[str, ...]) -> str:
	meta = frappe.get_meta(doctype)
	columns = []
	for i, name in enumerate(fields, start=1):
		field = meta.get_field(name)
		# the column types frappe itself gives these fields, so values read as they are stored
		sql_type = field and frappe.db.type_map.get(field.fieldtype)
		if not sql_type:
			raise ValueError(f"{doctype}.{name} cannot be bulk-updated")
		kind, size = sql_type
		columns.append(f"`{name}` {kind}{f'({size})' if size else ''} path '$[{i}]'")
	assignments = ", ".join(f"t.`{name}` = j.`{name}`" for name in fields)
	table = f"tab{doctype}"
	return (
		f"update `{table}` t join json_table(%s, '$[*]' columns("  # noqa: S608 — names checked above
		f"`name` varchar(140) path '$[0]', {', '.join(columns)})) j on j.`name` = t.`name` "
		f"set {assignments}"
	)


def _plain(value):
	if isinstance(value, dt.date):
		return str(value)  # a datetime as "2026-11-23 04:00:00", which MariaDB reads
	return value


def update_rows(
	doctype: str, fields: Sequence[str], rows: Sequence[Sequence], *, commit: bool = False
) -> None:
	"""Sets `fields` on existing rows: each row is (name, *values in `fields` order).
	Names that do not exist are skipped. `modified` is left alone: these are figures
	computed from other records, not edits. With `commit`, each chunk is committed, so
	no row stays locked for the whole run."""
	sql = _update_sql(doctype, tuple(fields))
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		frappe.db.sql(sql, (json.dumps([[_plain(v) for v in row] for row in chunk]),))
		if commit:
			frappe.db.commit()
