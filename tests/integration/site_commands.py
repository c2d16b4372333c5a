"""`bench --site <test site> <command>` from inside a test, as an implementer types it: for
the tests that uninstall and reinstall an app for real (they commit and run last)."""

import os
import subprocess
import sys

import frappe

from tests.integration.conftest import SITE, SITES_PATH


def bench(*args):
	frappe.db.commit()  # release metadata locks before another process drops tables
	result = subprocess.run(
		[sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", SITE, *args],
		cwd=SITES_PATH,
		capture_output=True,
		text=True,
		env=os.environ,
		timeout=900,
	)
	assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
	# this process's view of the apps: frappe keeps the hooks it read in the request cache
	# (which clear_cache empties only after reading them again) and in doc_events_hooks
	if hasattr(frappe.local, "request_cache"):
		frappe.local.request_cache.clear()
	frappe.local.doc_events_hooks = None
	frappe.clear_cache()
	return result.stdout
