"""doc_events on ERPNext's Unreconcile Payment: the figures of the customers whose
allocations it takes back, and crm_pack's Dunnings on those invoices reopened before
ERPNext would reopen them with the user's rights (credit_control/dunning_status.py)."""

from crm_pack.credit_control import dunning_status
from crm_pack.ledger import events
from crm_pack.utils.guard import never_blocks


def before_submit(doc, method=None) -> None:
	with never_blocks("crm_pack: Dunning status not set ahead", doc):
		dunning_status.before_unreconcile(doc)


def on_submit(doc, method=None) -> None:
	events.ledger_changed(doc)
