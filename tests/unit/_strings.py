"""Every English string crm_pack shows, found without frappe (for tests/unit/test_translations.py).

Sources, as frappe v15 translates them:
* Python: literal first arguments of `_()`, `frappe._()`, `_lt()` and `Label()` (the plain-Python
  domain modules import `_` from crm_pack.problems as an extraction marker). Parsed with `ast`,
  so implicit concatenation ("a" "b") and `"a" + "b"` of literals are joined.
* JavaScript: literal first arguments of `__()`, with `"a" + "b"` concatenation of literals.
* Jinja templates (crm_pack/templates): literal arguments of `_()`.
* DocType JSON: doctype name and description, field labels and descriptions, each Select option.
* Reports, workspace (labels, card breaks, shortcuts, charts, number cards, header text),
  number cards, dashboard charts, module onboarding and onboarding steps.
* Role names shipped as fixtures (crm_pack/fixtures/role.json) and the module names.
* A few constants the code translates through a variable (`DYNAMIC`).
"""

import ast
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "crm_pack"
MODULE = APP / "crm_pack"

PY_MARKERS = {"_", "_lt", "Label"}

# Constants whose strings reach `_()` through a variable: (file, constant name).
DYNAMIC = (
	("crm_pack/report/customer_lifetime_value/customer_lifetime_value.py", "PARTS"),
	("crm_pack/report/churn_risk/churn_risk.py", "LEVELS"),
)

# Strings that are data, not UI text, e.g. fieldnames inside a DYNAMIC tuple.
_IDENTIFIER = re.compile(r"^[a-z0-9_]+$")

_JS_LITERAL = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\$]|\\.)*`)"""
_JS_CALL = re.compile(r"(?<![\w.$])__\(\s*(" + _JS_LITERAL + r"(?:\s*\+\s*" + _JS_LITERAL + r")*)\s*[,)]")
_JS_PART = re.compile(_JS_LITERAL)
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}

PLACEHOLDER = re.compile(r"\{\d+\}")


def _files(pattern: str) -> Iterator[Path]:
	for path in sorted(APP.rglob(pattern)):
		if "node_modules" not in path.parts and "__pycache__" not in path.parts:
			yield path


def _literal(node: ast.AST) -> str | None:
	"""The string a node always evaluates to, if it is built from literals only."""
	if isinstance(node, ast.Constant) and isinstance(node.value, str):
		return node.value
	if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
		left, right = _literal(node.left), _literal(node.right)
		if left is not None and right is not None:
			return left + right
	return None


def _marker(func: ast.AST) -> bool:
	if isinstance(func, ast.Name):
		return func.id in PY_MARKERS
	return isinstance(func, ast.Attribute) and func.attr == "_"


def python_strings() -> dict[str, set[str]]:
	found: dict[str, set[str]] = {}
	for path in _files("*.py"):
		tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
		for node in ast.walk(tree):
			if isinstance(node, ast.Call) and node.args and _marker(node.func):
				text = _literal(node.args[0])
				if text:
					found.setdefault(text, set()).add(str(path.relative_to(REPO)))
	return found


def _js_unquote(literal: str) -> str:
	return re.sub(r"\\(.)", lambda m: _JS_ESCAPES.get(m[1], m[1]), literal[1:-1], flags=re.S)


def javascript_strings() -> dict[str, set[str]]:
	found: dict[str, set[str]] = {}
	for path in _files("*.js"):
		code = path.read_text(encoding="utf-8")
		for match in _JS_CALL.finditer(code):
			text = "".join(_js_unquote(p) for p in _JS_PART.findall(match[1]))
			if text:
				found.setdefault(text, set()).add(str(path.relative_to(REPO)))
	return found


def _doctype(d: dict) -> Iterator[str]:
	yield d.get("name")
	yield d.get("description")
	for df in d.get("fields", []):
		yield df.get("label")
		yield df.get("description")
		if df.get("fieldtype") == "Select" and df.get("fieldname") != "naming_series":
			yield from (df.get("options") or "").split("\n")


def _header_text(block_html: str) -> str:
	"""What the workspace header block looks up: its inner text, HTML-escaped again (header.js)."""
	text = html.unescape(re.sub(r"<[^>]+>", "", block_html)).strip()
	return html.escape(text, quote=False)


def _workspace(d: dict) -> Iterator[str]:
	yield d.get("label")
	yield d.get("title")
	for table in ("links", "shortcuts", "charts", "number_cards"):
		for row in d.get(table, []):
			yield row.get("label")
	for block in json.loads(d.get("content") or "[]"):
		if block.get("type") == "header":
			yield _header_text(block["data"].get("text") or "")


def _report(d: dict) -> Iterator[str]:
	yield d.get("name")
	yield d.get("report_name")
	for f in d.get("filters") or []:
		yield f.get("label")


JSON_KINDS = {
	"doctype": _doctype,
	"report": _report,
	"workspace": _workspace,
	"number_card": lambda d: (d.get("name"), d.get("label")),
	"dashboard_chart": lambda d: (d.get("name"), d.get("chart_name")),
	"module_onboarding": lambda d: (d.get("title"), d.get("subtitle"), d.get("success_message")),
	"onboarding_step": lambda d: (
		d.get("title"),
		d.get("description"),
		d.get("action_label"),
		d.get("report_description"),
	),
}


def json_strings() -> dict[str, set[str]]:
	found: dict[str, set[str]] = {}
	for kind, walk in JSON_KINDS.items():
		for path in sorted((MODULE / kind).glob("*/*.json")):
			d = json.loads(path.read_text(encoding="utf-8"))
			if d.get("doctype", "").replace(" ", "").lower() != kind.replace("_", ""):
				continue  # e.g. a JSON file that is not the record itself
			for text in walk(d):
				if text and text.strip():
					found.setdefault(text.strip(), set()).add(str(path.relative_to(REPO)))
	return found


def _constant(path: Path, name: str) -> ast.AST:
	tree = ast.parse(path.read_text(encoding="utf-8"))
	for node in tree.body:
		if isinstance(node, ast.Assign) and any(
			isinstance(t, ast.Name) and t.id == name for t in node.targets
		):
			return node.value
		if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
			return node.value
	raise LookupError(f"{name} not found in {path}")


def other_strings() -> dict[str, set[str]]:
	found: dict[str, set[str]] = {}
	for fixture in sorted((APP / "fixtures").glob("*.json")):
		for record in json.loads(fixture.read_text(encoding="utf-8")):
			if record.get("doctype") == "Role":
				found.setdefault(record["role_name"], set()).add(f"crm_pack/fixtures/{fixture.name}")
	for line in (APP / "modules.txt").read_text(encoding="utf-8").splitlines():
		if line.strip():
			found.setdefault(line.strip(), set()).add("crm_pack/modules.txt")
	for rel, name in DYNAMIC:
		path = APP / rel
		for node in ast.walk(_constant(path, name)):
			if isinstance(node, ast.Constant) and isinstance(node.value, str):
				if node.value and not _IDENTIFIER.match(node.value):
					found.setdefault(node.value, set()).add(f"crm_pack/{rel} {name}")
	return found


_JINJA_CALL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


def template_strings() -> dict[str, set[str]]:
	"""Literal `_("…")` calls in the Jinja templates crm_pack renders (as frappe extracts them)."""
	found: dict[str, set[str]] = {}
	for path in _files("*.html"):
		for match in _JINJA_CALL.finditer(path.read_text(encoding="utf-8")):
			text = match[1] if match[1] is not None else match[2]
			if text:
				found.setdefault(text, set()).add(str(path.relative_to(REPO)))
	return found


def all_strings() -> dict[str, set[str]]:
	"""English source string -> where it was found."""
	found: dict[str, set[str]] = {}
	for part in (python_strings(), javascript_strings(), template_strings(), json_strings(), other_strings()):
		for text, where in part.items():
			found.setdefault(text, set()).update(where)
	return found


def placeholders(text: str) -> list[str]:
	return sorted(PLACEHOLDER.findall(text))


if __name__ == "__main__":
	for text, where in sorted(all_strings().items()):
		print(json.dumps(text, ensure_ascii=False), "\t", ", ".join(sorted(where)))
