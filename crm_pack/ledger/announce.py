"""What the ledger tells the domains above it, through hook lists in hooks.py (as frappe
apps extend each other): the ledger imports none of them, and another app may listen too.

- crm_pack_ledger_records_missing(customers): customers with postings and no CRM Customer
  yet; the record's domain creates them (relationship.records).
- crm_pack_ledger_figures_written(customers, stored, figures): figures written in this
  transaction, with the state read before; payment follow-ups stop in the same
  transaction as the payment that cleared them (credit_control.sequence).
- crm_pack_ledger_changed_unwritten(customers): the ledger changed for customers whose
  figures the refresh did not write (analytics reads their basis again: analytics.basis).
"""

import frappe

RECORDS_MISSING = "crm_pack_ledger_records_missing"
FIGURES_WRITTEN = "crm_pack_ledger_figures_written"
CHANGED_UNWRITTEN = "crm_pack_ledger_changed_unwritten"


def announce(hook: str, *args) -> None:
	for method in frappe.get_hooks(hook):
		frappe.get_attr(method)(*args)
