"""Everything that differs between Frappe/ERPNext v15 and v16, in one place.

Elsewhere crm_pack uses only what both versions accept (frappe.qb, frappe.utils
.get_absolute_url for desk links, has_permission hooks answering True or False). Each
branch below says why it exists; when v15 support ends (2027) the v15 side goes.
"""

import shutil
import subprocess
import sys
from contextlib import contextmanager

import frappe

FRAPPE_MAJOR = int(frappe.__version__.split(".")[0])
V16 = FRAPPE_MAJOR >= 16


def aggregate(function: str, field: str, alias: str):
	"""A `get_list` field computing `function(field) as alias`: v16's get_list refuses SQL
	functions written as strings ("SQL functions are not allowed as strings in SELECT") and
	takes a dict; v15's takes only the string."""
	if V16:
		return {function.upper(): field, "as": alias}
	return f"{function.lower()}({field}) as {alias}"


def in_test() -> bool:
	"""v16 reads test mode from `frappe.in_test` (the flag alone no longer counts, e.g. Data
	Import then queues instead of running); v15 only has `frappe.flags.in_test`."""
	return bool(getattr(frappe, "in_test", False) or frappe.flags.in_test)


def set_in_test(value: bool) -> None:
	"""Both spellings, so each version's checks see the same mode."""
	frappe.flags.in_test = value
	if hasattr(frappe, "in_test"):
		frappe.in_test = value


def pdf_from_html(html: str, print_format: str | None = None) -> bytes:
	"""A PDF of a print view. wkhtmltopdf where it is installed (v15's only engine, v16's
	default); v16 also has a Chrome-based generator for hosts without wkhtmltopdf (Debian
	has none past bookworm), which reads `chromium_path` from common_site_config."""
	from frappe.utils.pdf import get_pdf  # imported late: the module opens ../logs at import

	if shutil.which("wkhtmltopdf") or not V16:
		return get_pdf(html)
	from frappe.utils.pdf import get_chrome_pdf

	return get_chrome_pdf(print_format, html, {}, None, pdf_generator="chrome")


def close_pdf_browser() -> None:
	"""For a process about to end (the test session): v16's Chrome-based generator keeps
	one Chromium per process and leaves it running when the process exits ("TODO: close
	browser when worker is killed" in frappe), orphaned, for as long as the machine runs."""
	module = sys.modules.get("frappe.utils.pdf_generator.chrome_pdf_generator")
	generator = module and module.ChromePDFGenerator._instance
	process = generator and generator._chromium_process
	if not process or process.poll() is not None:
		return
	process.terminate()
	try:
		process.wait(timeout=10)
	except subprocess.TimeoutExpired:
		process.kill()
	module.ChromePDFGenerator._instance = None


# MariaDB error 1020 (ER_CHECKREAD): with innodb_snapshot_isolation on, the server rolls
# the whole transaction back, as it does on a deadlock. v16's frappe counts it as one
# (is_deadlocked); v15's does not, yet a v15 site may run on MariaDB 11.8 too.
DEADLOCK, CHECKREAD = 1213, 1020
_snapshot_isolation: dict[tuple, bool] = {}


def rolled_back_by_server(error: Exception) -> bool:
	"""The database already rolled this transaction back (deadlock, or a row changed since
	this snapshot under snapshot isolation): nothing is left to save or to mark."""
	if isinstance(error, frappe.QueryDeadlockError):
		return True
	for e in (error, error.__cause__):
		args = getattr(e, "args", None) or ()
		if args and args[0] in (DEADLOCK, CHECKREAD):
			return True
	return False


def _has_snapshot_isolation() -> bool:
	"""Whether this server can lock by snapshot: MariaDB 11.8 and later default it on, 10.6.18+
	and 10.11.8+ have it off by default, and a session may set it either way. Asked once
	per server and process; the server's having it is what counts (a session's value may
	change, and giving a statement the older behaviour where it already applies costs
	nothing measurable)."""
	key = (frappe.conf.db_host, frappe.conf.db_port, frappe.conf.db_name)
	if key not in _snapshot_isolation:
		rows = frappe.db.sql("show global variables like 'innodb_snapshot_isolation'")
		_snapshot_isolation[key] = bool(rows)
	return _snapshot_isolation[key]


# The statement prefix that gives one statement the older behaviour (MariaDB 10.3+).
_LATEST = "SET STATEMENT innodb_snapshot_isolation=OFF FOR "


def latest_rows(sql: str) -> str:
	"""`sql` (a locking read or a write of crm_pack's own rows), made to take the latest
	committed row, as MariaDB 10.x always did.

	Under MariaDB 11.8's snapshot isolation, locking or updating a CRM Customer row that
	another transaction (a worker, the nightly run, a user) changed after this one's
	snapshot fails with 1020 and rolls back the user's whole transaction, their invoice
	with it. The ledger refresh compares what it locks or updates with its snapshot itself
	(ledger_seq) and leaves a changed customer to a worker, so its statements ask for the
	older behaviour for themselves: a prefix on servers that have the setting, no
	statement of its own."""
	return _LATEST + sql if _has_snapshot_isolation() else sql


@contextmanager
def locks_read_latest():
	"""The same for every statement in the block, crm_pack's or frappe's (documents saved
	by the payment follow-up, the rare paths of a refresh): two session statements, on
	servers that have the setting only. Nested blocks share the outer one."""
	if not _has_snapshot_isolation() or getattr(frappe.local, "crm_pack_reads_latest", False):
		yield
		return
	frappe.db.sql(
		"set @crm_pack_snapshot_isolation = @@session.innodb_snapshot_isolation,"
		" session innodb_snapshot_isolation = off"
	)
	frappe.local.crm_pack_reads_latest = True
	try:
		yield
	finally:
		frappe.local.crm_pack_reads_latest = False
		frappe.db.sql("set session innodb_snapshot_isolation = @crm_pack_snapshot_isolation")


def snapshot_guard_statements() -> int:
	"""The statements `locks_read_latest` adds on this server (query budgets of the rare
	paths that use it)."""
	return 2 if _has_snapshot_isolation() else 0
