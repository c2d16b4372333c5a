"""Texts that were stored translated (in the language of whoever, or whichever job,
saved last) are stored as codes from now on and rendered for each reader
(crm_pack/texts.py). This fills the new *_codes fields of existing records:

* churn reasons and lifetime-value explanations by one analytics run: BASIS_VERSION 2
  makes every basis stale, so the run reads everyone once, as after any rules upgrade;
* what a record is missing by the data-quality run;
* each project's health score and reasons from its schedule and risks as measured now
  (the nightly refresh would do the same), written without touching `modified`.

The visible fields are now virtual, so their old columns are unread; frappe does not
drop columns (`bench trim-tables` would), so they are emptied here, rather than left
holding yesterday's text in one person's language for a REST `fields=["*"]` to find.
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


# doctype: the visible fields that became virtual
OLD_TEXT_COLUMNS = {
	"CRM Customer": ("churn_risk_reason", "clv_explanation", "data_quality_missing"),
	"Implementation Project": ("health_reasons",),
}


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
	for doctype, columns in OLD_TEXT_COLUMNS.items():
		table = frappe.qb.DocType(doctype)
		for column in set(columns) & _columns(doctype):
			frappe.qb.update(table).set(table[column], None).run()


def _columns(doctype: str) -> set[str]:
	"""The table's columns as the server has them now (frappe's cached list follows the
	doctype, which no longer names these)."""
	schema = frappe.qb.Schema("information_schema").columns
	return set(
		frappe.qb.from_(schema)
		.select(schema.column_name)
		.where((schema.table_schema == frappe.db.cur_db_name) & (schema.table_name == f"tab{doctype}"))
		.run(pluck=True)
	)
