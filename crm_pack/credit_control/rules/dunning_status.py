"""The status ERPNext gives a submitted Dunning when one of its invoices' outstanding
moves (pure; erpnext/accounts/doctype/dunning/dunning.py `update_linked_dunnings`, the
same in 15.92 and 16.9).

ERPNext saves the Dunning with the user's rights when that status changes, and saving a
submitted document needs *submit* on Dunning, which an Accounts User does not hold: the
user's payment then fails. crm_pack sets its own Dunnings to this status a moment
earlier (credit_control/dunning_status.py), so ERPNext finds nothing to change. It must
be ERPNext's answer, not a better one: any other answer makes ERPNext save after all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def moved_state(previous: float, outstanding: float) -> str | None:
	"""The status ERPNext looks for: Unresolved when the outstanding fell, Resolved when
	it rose, nothing when it did not move."""
	if previous == outstanding:
		return None
	return "Unresolved" if outstanding < previous else "Resolved"


def erpnext_status(
	rows: Iterable[tuple[str, str | None]],
	invoice_outstanding: Mapping[str, float],
	schedule_outstanding: Mapping[str, float],
) -> str:
	"""rows: the Dunning's overdue payments as (sales invoice, payment schedule row).

	Unresolved while any row's invoice and its schedule row both still have something
	outstanding (a row without a schedule row counts as settled, as in ERPNext)."""
	for invoice, schedule in rows:
		if invoice_outstanding.get(invoice, 0) > 0 and schedule_outstanding.get(schedule, 0) > 0:
			return "Unresolved"
	return "Resolved"
