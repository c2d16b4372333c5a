"""The ledger is the lowest domain: it announces through hook lists (crm_pack/ledger/
announce.py, hooks.py) and imports no domain above it, so collections, analytics and the
record can change without touching the money truth."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "crm_pack"
ABOVE_THE_LEDGER = ("analytics", "credit_control", "interactions", "projects", "relationship", "api")


def imported_modules(path: Path) -> set[str]:
	names = set()
	for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
		if isinstance(node, ast.ImportFrom) and node.module:
			names.add(node.module)
		elif isinstance(node, ast.Import):
			names.update(alias.name for alias in node.names)
	return names


def test_the_ledger_imports_no_domain_above_it():
	offending = {
		f"{path.relative_to(APP)}: {module}"
		for path in (APP / "ledger").rglob("*.py")
		for module in imported_modules(path)
		if module.startswith(tuple(f"crm_pack.{d}" for d in ABOVE_THE_LEDGER))
	}
	assert not offending, sorted(offending)


def test_every_announcement_has_its_listeners_in_hooks():
	from crm_pack import hooks

	tree = ast.parse((APP / "ledger" / "announce.py").read_text(encoding="utf-8"))
	announced = [
		node.value.value
		for node in tree.body
		if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
	]
	assert len(announced) == 3
	for hook in announced:
		listeners = getattr(hooks, hook)
		assert listeners and all(m.startswith("crm_pack.") for m in listeners), hook
