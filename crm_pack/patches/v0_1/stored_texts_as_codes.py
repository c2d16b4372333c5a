"""Texts that were stored translated (in the language of whoever, or whichever job,
saved last) are stored as codes from now on and rendered for each reader
(crm_pack/texts.py). This fills the new *_codes fields of existing records:

* churn reasons and lifetime-value explanations by one analytics run: BASIS_VERSION 2
  makes every basis stale, so the run reads everyone once, as after any rules upgrade;
* what a record is missing by the data-quality run;
* each project's health score and reasons from its schedule and risks as measured now
  (the nightly refresh would do the same), written without touching `modified`.

The old text columns stay in the tables, unread: frappe does not drop columns, and the
visible fields are now virtual.
"""

import frappe

from crm_pack.analytics import nightly
from crm_pack.relationship import data_quality

HEALTH_FIELDS = (
	"health_score",
	"health_reasons_codes",
	"schedule_slip_days",
	"open_high_risks",
)


def execute():
	# one transaction, committed by the migration after the patch: the site is in
	# maintenance mode, so no document event waits on these rows
	nightly.recompute_all()
	data_quality.recompute()
	for name in frappe.get_all("Implementation Project", pluck="name"):
		doc = frappe.get_doc("Implementation Project", name)
		doc.update_health()
		frappe.db.set_value(
			"Implementation Project",
			name,
			{f: doc.get(f) for f in HEALTH_FIELDS},
			update_modified=False,
		)
