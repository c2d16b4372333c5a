"""ERPNext's status for a Dunning as its invoices' outstanding moves (what crm_pack sets
ahead of it, so ERPNext finds nothing to save with a collector's rights)."""

from crm_pack.credit_control.rules.dunning_status import erpnext_status, moved_state


def test_erpnext_looks_for_unresolved_letters_when_the_outstanding_falls_and_resolved_when_it_rises():
	assert moved_state(300, 0) == "Unresolved"
	assert moved_state(0, 300) == "Resolved"
	assert moved_state(300, 300) is None


def test_a_letter_stays_unresolved_while_one_instalment_is_still_open():
	rows = [("SINV-1", "PS-1"), ("SINV-1", "PS-2"), ("SINV-2", "PS-3")]
	invoices = {"SINV-1": 200.0, "SINV-2": 0.0}
	assert erpnext_status(rows, invoices, {"PS-1": 0, "PS-2": 200, "PS-3": 0}) == "Unresolved"
	assert erpnext_status(rows, invoices, {"PS-1": 0, "PS-2": 0, "PS-3": 0}) == "Resolved"


def test_a_paid_invoice_resolves_its_rows_whatever_the_schedule_still_says():
	assert erpnext_status([("SINV-1", "PS-1")], {"SINV-1": 0.0}, {"PS-1": 300}) == "Resolved"


def test_a_row_without_a_schedule_row_counts_as_settled_as_in_erpnext():
	assert erpnext_status([("SINV-1", None)], {"SINV-1": 300.0}, {}) == "Resolved"
