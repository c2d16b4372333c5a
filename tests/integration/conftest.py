"""Integration tests run against a real ERPNext site.

The site comes from CRM_PACK_BENCH (default ~/frappe-bench) and CRM_PACK_SITE
(default crm-test.localhost). Where no bench or site exists the whole folder is
left out with one line saying so; where one exists the tests must run, so a site
that cannot be reached is an error, not a skip.
"""

import os
import pathlib

import pytest

BENCH = pathlib.Path(os.environ.get("CRM_PACK_BENCH", pathlib.Path.home() / "frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PACK_SITE", "crm-test.localhost")
SITES_PATH = BENCH / "sites"
AVAILABLE = (SITES_PATH / SITE / "site_config.json").exists()
REASON = f"no Frappe site {SITE} in {BENCH}: set CRM_PACK_BENCH / CRM_PACK_SITE to run integration tests"


def refuse_without_allow_tests(frappe) -> None:
	"""As `bench run-tests`: a site without allow_tests holds someone's real data, and these
	tests commit, merge customers and uninstall crm_pack."""
	if not frappe.conf.allow_tests:
		pytest.fail(
			f"{SITE} does not allow tests (set it with: bench --site {SITE} set-config allow_tests true)",
			pytrace=False,
		)


def pytest_ignore_collect(collection_path, config):
	if not AVAILABLE and collection_path.name.startswith("test_"):
		return True
	return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
	if not AVAILABLE:
		terminalreporter.write_line(f"integration tests not run: {REASON}")


@pytest.fixture(scope="session", autouse=True)
def frappe_site():
	import frappe

	repo = pathlib.Path(__file__).resolve().parents[2]
	import crm_pack

	# The tests must exercise this checkout, not the copy installed in the bench.
	assert pathlib.Path(crm_pack.__file__).resolve().is_relative_to(repo), (
		f"crm_pack imported from {crm_pack.__file__}, not from {repo}: run tests/run_tests.sh"
	)
	cwd = os.getcwd()
	os.chdir(SITES_PATH)  # frappe resolves its logs folder from the working directory
	frappe.init(site=SITE, sites_path=str(SITES_PATH))
	refuse_without_allow_tests(frappe)
	frappe.connect()
	from crm_pack import compat

	compat.set_in_test(True)
	frappe.set_user("Administrator")
	from tests.integration import factories

	factories.ensure_base_records()
	frappe.db.commit()
	yield frappe
	frappe.db.rollback()
	compat.close_pdf_browser()  # the statements' PDFs on v16: nothing left running after the run
	frappe.destroy()
	os.chdir(cwd)


@pytest.fixture(autouse=True)
def rollback(frappe_site):
	"""Each test's writes are rolled back."""
	frappe = frappe_site
	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.local.message_log = []
