"""The domain rules are plain Python: every module in a `rules/` folder (and the Problem
vocabulary they share) imports without frappe, so it runs and is tested in milliseconds
without a site. A module that reaches frappe, directly or through another crm_pack
module, fails here."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "crm_pack"

# The one place that says which modules are pure: crm_pack/problems.py, crm_pack/texts.py and every module
# under crm_pack/<domain>/rules/.
SHARED_PURE = ("crm_pack.problems", "crm_pack.texts")
DOMAINS_WITH_RULES = (
	"analytics",
	"credit_control",
	"frappe_crm",
	"interactions",
	"ledger",
	"projects",
	"relationship",
)


def pure_modules() -> list[str]:
	names = list(SHARED_PURE)
	for path in sorted(APP.glob("*/rules/*.py")):
		parts = path.relative_to(REPO).with_suffix("").parts
		names.append(".".join(p for p in parts if p != "__init__"))
	return names


# Run in a fresh interpreter: in a full run the integration tests have imported frappe
# into this process already.
PROBE = r"""
import importlib, importlib.abc, json, sys

class NoFrappe(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "frappe" or name.startswith("frappe.") or name == "erpnext" or name.startswith("erpnext."):
            raise ImportError(f"pure module imported {name}")
        return None

sys.meta_path.insert(0, NoFrappe())
failed = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception as e:
        failed[name] = f"{type(e).__name__}: {e}"
print(json.dumps(failed))
"""


def test_every_domain_keeps_its_rules_in_a_rules_folder():
	found = {name.split(".")[1] for name in pure_modules() if ".rules." in name}
	assert found == set(DOMAINS_WITH_RULES)
	assert len(pure_modules()) >= 20


def test_pure_modules_import_without_frappe():
	modules = pure_modules()
	result = subprocess.run(
		[sys.executable, "-c", PROBE, json.dumps(modules)],
		cwd=REPO,
		capture_output=True,
		text=True,
		env={**os.environ, "PYTHONPATH": str(REPO)},
		timeout=120,
	)
	assert result.returncode == 0, result.stderr
	failed = json.loads(result.stdout.strip().splitlines()[-1])
	assert failed == {}, f"pure modules that need frappe: {failed}"


def test_the_probe_catches_a_module_that_imports_frappe():
	"""Guards the guard: a site module is refused."""
	result = subprocess.run(
		[sys.executable, "-c", PROBE, json.dumps(["crm_pack.ledger.store"])],
		cwd=REPO,
		capture_output=True,
		text=True,
		env={**os.environ, "PYTHONPATH": str(REPO)},
		timeout=120,
	)
	failed = json.loads(result.stdout.strip().splitlines()[-1])
	assert "crm_pack.ledger.store" in failed
