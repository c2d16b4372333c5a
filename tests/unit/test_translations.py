"""Every string crm_pack shows has a Chinese translation in crm_pack/translations/zh.csv.

No frappe import: the strings come from tests/unit/_strings.py (its own extractor) and the
file is read the way frappe v15 reads it (translate.get_translation_dict_from_file: csv
rows of `source,translation[,context]`, translation stripped).
"""

import csv
from collections import Counter

import pytest

from tests.unit._strings import APP, all_strings, placeholders

ZH = APP / "translations" / "zh.csv"


def _rows() -> list[list[str]]:
	with open(ZH, encoding="utf-8", newline="") as f:
		return [row for row in csv.reader(f) if row]


def _translations() -> dict[str, str]:
	"""source -> translation, as frappe builds it (context rows are keyed `source:context`)."""
	out = {}
	for row in _rows():
		if len(row) == 3 and row[2]:
			out[row[0] + ":" + row[2]] = row[1].strip()
		else:
			out[row[0]] = row[1].strip()
	return out


@pytest.fixture(scope="module")
def strings() -> dict[str, set[str]]:
	return all_strings()


def test_file_is_frappe_csv():
	bad = [row for row in _rows() if len(row) not in (2, 3)]
	assert not bad, f"rows frappe would log as bad translations: {bad}"
	twice = [s for s, n in Counter(row[0] for row in _rows() if len(row) == 2).items() if n > 1]
	assert not twice, f"sources listed more than once (the last one wins): {twice}"


def test_extractor_finds_every_kind_of_source(strings):
	"""Guards the extractor itself: one known string from each kind of source."""
	for text in (
		"CRM Customer",  # doctype name
		"Relationship Owner",  # field label
		"Lost",  # Select option
		"Overdue Follow-ups",  # number card
		"Revenue by Tier",  # dashboard chart
		"ABC Analysis",  # report
		"Your Shortcuts",  # workspace header
		"Let's set up CRM Pack",  # module onboarding
		"Log Your First Interaction",  # onboarding step
		"CRM Manager",  # role
		"CRM Pack",  # module
		"Merge Selected Pair",  # __() in report JS
		"Please correct",  # _() in a service
		"Documents this Complaint Caused",  # Label() in a plain-Python module
		"CLV 1: Base Profit",  # translated through a variable
		"Latest Interactions",  # _() in a Jinja template
	):
		assert text in strings, f"extractor lost {text!r}"


def test_browser_tested_entries_kept():
	zh = _translations()
	assert zh.get("CRM Customer") == "CRM客户"
	assert zh.get("Overdue Follow-ups") == "逾期跟进"


def test_every_string_translated(strings):
	"""A Select option may be translated in its doctype's sense only (`source,translation,
	DocType`, as the form renders it): a bare "Open" is frappe's 开 (switch on), the
	interaction's status is 待处理; crm_pack does not change frappe's words for everyone."""
	zh = _translations()
	in_context = {row[0] for row in _rows() if len(row) == 3 and row[2]}
	missing = sorted(s for s in strings if not zh.get(s) and s not in in_context)
	assert not missing, f"{len(missing)} strings without a zh translation in {ZH}:\n" + "\n".join(
		f"  {s!r}  ({', '.join(sorted(strings[s]))})" for s in missing
	)


def test_placeholders_kept(strings):
	zh = _translations()
	wrong = [(s, zh[s]) for s in sorted(strings) if zh.get(s) and placeholders(s) != placeholders(zh[s])]
	assert not wrong, "placeholders differ between source and translation:\n" + "\n".join(
		f"  {s!r} -> {t!r}" for s, t in wrong
	)
