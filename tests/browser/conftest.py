"""Browser tests: the desk as users see it, in Debian's chromium driven by Playwright.

They need a bench with the test site (CRM_PACK_BENCH / CRM_PACK_SITE, as the
integration tests) and a chromium binary (CRM_PACK_CHROMIUM, default
/usr/bin/chromium). Where either is missing the folder is left out with one line
saying so; where both exist the tests run (Playwright itself is then required:
tests/run_tests.sh installs it into the bench's Python). Playwright never downloads
a browser here: it launches the given binary.

The site is served by the bench's gunicorn on 127.0.0.1 and a free port, in a
process of its own, so the data the tests need is written and committed up front
(unique names, left on the test site like the integration tests' committed data).
Screenshots of every step go to tests/browser/artifacts/.
"""

import contextlib
import datetime as dt
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import types
import urllib.parse
import urllib.request

import pytest

BENCH = pathlib.Path(os.environ.get("CRM_PACK_BENCH", pathlib.Path.home() / "frappe-bench")).expanduser()
SITE = os.environ.get("CRM_PACK_SITE", "crm-test.localhost")
SITES_PATH = BENCH / "sites"
CHROMIUM = os.environ.get("CRM_PACK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = pathlib.Path(__file__).resolve().parent / "artifacts"
REPO = pathlib.Path(__file__).resolve().parents[2]

PASSWORD = "Browser-Test-2024!"


def _desk() -> str:
	"""The desk's first path segment: `app` on v15, `desk` on v16 (frappe's own route helper
	says which)."""
	from frappe.utils import get_absolute_url

	return get_absolute_url("ToDo", "x").split("/")[1]


USERS = {
	"browser.crm@crm-pack.test": ["CRM User"],
	"browser.accounts@crm-pack.test": ["Accounts User"],
	"browser.zh@crm-pack.test": ["CRM User"],
	# sales staff: ERPNext's Customer form plus the CRM records of their customers
	"browser.sales@crm-pack.test": ["CRM User", "Sales User"],
	# reviews duplicates and merges customers (ERPNext's Customer delete is a master manager's)
	"browser.manager@crm-pack.test": ["CRM Manager", "Sales Master Manager"],
	# a CRM User with no customer of their own yet (empty boards and lists)
	"browser.empty@crm-pack.test": ["CRM User"],
	# works in Chinese from the start (the language is set in data.py)
	"browser.zhcn@crm-pack.test": ["CRM User"],
}

if not (SITES_PATH / SITE / "site_config.json").exists():
	REASON = f"no Frappe site {SITE} in {BENCH}: set CRM_PACK_BENCH / CRM_PACK_SITE to run browser tests"
elif not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
	REASON = f"no chromium at {CHROMIUM} (apt-get install chromium, or set CRM_PACK_CHROMIUM)"
else:
	REASON = None
DESK = None if REASON else _desk()  # frappe is importable only where a bench is


def pytest_ignore_collect(collection_path, config):
	if REASON and collection_path.name.startswith("test_"):
		return True
	return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
	if REASON:
		terminalreporter.write_line(f"browser tests not run: {REASON}")


# --- data, written and committed before the server and browser start ---------------


@pytest.fixture(scope="session")
def site_data():
	"""Users with a password, and the records each test looks at; committed, then the
	connection is closed again (the integration tests open their own)."""
	import frappe

	cwd = os.getcwd()
	os.chdir(SITES_PATH)  # frappe resolves its logs folder from the working directory
	frappe.init(site=SITE, sites_path=str(SITES_PATH))
	frappe.connect()
	try:
		from tests.integration.conftest import refuse_without_allow_tests

		refuse_without_allow_tests(frappe)
		frappe.set_user("Administrator")
		from tests.browser import data

		built = data.build(USERS, PASSWORD)
		frappe.db.commit()
	finally:
		frappe.destroy()
		os.chdir(cwd)
	return types.SimpleNamespace(**built)


# --- the site, served on 127.0.0.1 -------------------------------------------------


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _ping(port: int) -> bool:
	req = urllib.request.Request(
		f"http://127.0.0.1:{port}/api/method/ping", headers={"Host": SITE, "X-Frappe-Site-Name": SITE}
	)
	try:
		with urllib.request.urlopen(req, timeout=2) as resp:
			return resp.status == 200
	except OSError:
		return False


# The server and the browser end with the browser tests (package scope): Playwright keeps an
# event loop running in this thread while it lives, and the integration tests that follow
# make PDFs through frappe v16's Chrome generator, which runs a loop of its own.
@pytest.fixture(scope="package")
def server(site_data):
	ARTIFACTS.mkdir(exist_ok=True)
	port = _free_port()
	gunicorn = pathlib.Path(sys.executable).with_name("gunicorn")
	if not gunicorn.exists():
		gunicorn = BENCH / "env" / "bin" / "gunicorn"
	env = dict(os.environ)
	# this checkout first, as for the test process itself
	env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
	log = open(ARTIFACTS / "gunicorn.log", "w")  # noqa: SIM115 - closed at teardown
	proc = subprocess.Popen(
		[str(gunicorn), "-b", f"127.0.0.1:{port}", "-w", "1", "-t", "120", "tests.browser.wsgi:application"],
		cwd=SITES_PATH,
		env=env,
		stdout=log,
		stderr=subprocess.STDOUT,
		start_new_session=True,
	)
	try:
		deadline = time.monotonic() + 60
		while not _ping(port):
			if proc.poll() is not None or time.monotonic() > deadline:
				raise RuntimeError(f"gunicorn did not serve {SITE}: see {ARTIFACTS / 'gunicorn.log'}")
			time.sleep(0.3)
		yield f"http://{SITE}:{port}"
	finally:
		os.killpg(proc.pid, signal.SIGTERM)
		try:
			proc.wait(timeout=15)
		except subprocess.TimeoutExpired:
			os.killpg(proc.pid, signal.SIGKILL)
		log.close()


# --- the browser -------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(server):
	try:
		from playwright.sync_api import sync_playwright
	except ImportError:
		pytest.fail(
			f"chromium and the site exist but Playwright is missing: {sys.executable} -m pip install playwright"
		)
	from playwright.sync_api import expect

	expect.set_options(timeout=15000)  # number cards and reports load after the page
	with sync_playwright() as pw:
		# The given binary only: Playwright must never download a browser.
		browser = pw.chromium.launch(
			executable_path=CHROMIUM,
			headless=True,
			args=[f"--host-resolver-rules=MAP {SITE} 127.0.0.1", "--no-sandbox", "--disable-dev-shm-usage"],
		)
		yield browser
		browser.close()


class Desk:
	"""One logged-in user's page, with the few moves the tests repeat."""

	def __init__(self, page, base_url: str, test_name: str):
		self.page = page
		self.base_url = base_url
		self.test_name = test_name
		self.step = 0

	def shot(self, what: str, height: int | None = None) -> pathlib.Path:
		"""A full-page screenshot; `height` for pages that scroll inside the desk (the
		workspace), whose document is only as tall as the window."""
		self.step += 1
		path = ARTIFACTS / f"{self.test_name}-{self.step:02d}-{what}.png"
		size = self.page.viewport_size
		if height:
			self.page.set_viewport_size({"width": size["width"], "height": height})
			self.page.wait_for_timeout(300)  # let the desk lay out again
		self.page.screenshot(path=str(path), full_page=True)
		if height:
			self.page.set_viewport_size(size)
		return path

	def login(self, user: str, password: str = PASSWORD) -> None:
		page = self.page
		page.goto(f"{self.base_url}/login")
		page.fill("#login_email", user)
		page.fill("#login_password", password)
		self.shot("login")
		page.click(".btn-login")
		page.wait_for_url(f"**/{DESK}**")
		page.wait_for_function("() => window.frappe && frappe.boot && frappe.session.user !== 'Guest'")
		# the landing page's own requests (its number cards) finish first, as a user waits for
		# the page before going on: the site's one worker would serve the next page after them.
		# Only on the desk: where several apps are installed, v15 lands on its app switcher
		# (/apps), which has no router
		if urllib.parse.urlparse(page.url).path.split("/")[1] == DESK:
			self.wait_idle()

	def goto(self, route: str) -> None:
		self.page.goto(f"{self.base_url}/{DESK}/{route}")
		self.wait_idle()

	def wait_idle(self) -> None:
		"""Frappe has finished its own requests (the desk shows its freeze overlay while busy)."""
		self.page.wait_for_function(
			"() => window.frappe && frappe.router && !frappe.dom.freeze_count"
			" && !(frappe.request.ajax_count > 0)",
			timeout=45000,  # a first desk load on a busy 2-core machine
		)


@pytest.fixture
def desk(browser, server, request):
	context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
	context.set_default_timeout(20000)
	page = context.new_page()
	d = Desk(page, server, request.node.name.replace("test_", "", 1))
	d.errors = []  # uncaught script errors on the page, for a failing test's message
	page.on("pageerror", lambda exc: d.errors.append(str(exc)))
	yield d
	report = getattr(request.node, "rep_call", None)
	if report is not None and report.failed:
		d.shot("failure")
	context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
	outcome = yield
	rep = outcome.get_result()
	if rep.when == "call":
		item.rep_call = rep


def pytest_sessionstart(session):
	"""Each run's screenshots replace the last run's."""
	if not REASON:
		ARTIFACTS.mkdir(exist_ok=True)
		for png in ARTIFACTS.glob("*.png"):
			png.unlink()


# --- reading long reports ----------------------------------------------------------


def col_index(page, column: str) -> str:
	from playwright.sync_api import expect

	header = page.locator(".dt-row-header .dt-cell--header", has_text=column).first
	expect(header).to_be_visible()
	return header.get_attribute("data-col-index")


def report_cell(page, customer: str, column: str):
	"""The cell under `column` in the report row of `customer`, found as a user would on a
	long report (frappe's datatable renders only the visible rows): typed into the
	datatable's filter under the Customer column."""
	from playwright.sync_api import expect

	search = page.locator(f'.dt-row-filter .dt-cell[data-col-index="{col_index(page, "Customer")}"] input')
	search.fill(customer)
	search.press("End")  # the datatable filters on a key press
	row = page.locator(".dt-scrollable .dt-row", has_text=customer).first
	expect(row).to_be_visible()
	return row.locator(f'.dt-cell[data-col-index="{col_index(page, column)}"]')


@contextlib.contextmanager
def on_site():
	"""A committed frappe connection to the test site, from the test process (the site is
	served by another process: what a test arranges must be committed before it looks)."""
	import frappe

	cwd = os.getcwd()
	os.chdir(SITES_PATH)  # frappe resolves its logs folder from the working directory
	frappe.init(site=SITE, sites_path=str(SITES_PATH))
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		yield frappe
		frappe.db.commit()
	finally:
		frappe.destroy()
		os.chdir(cwd)


def site_today() -> dt.date:
	"""Today as the site counts it (its system time zone), which is what the server stamps
	on what it dates: the test machine's own date differs for hours around midnight."""
	with on_site() as frappe:
		return frappe.utils.getdate(frappe.utils.nowdate())
