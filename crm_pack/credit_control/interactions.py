"""What a Customer Interaction's controller asks of collections: promises to pay and
disputes are checked and filled from the ledger, and rolled up on the CRM Customer."""

from crm_pack.credit_control import disputes, promises


def validate(doc) -> None:
	if doc.interaction_type == "Promise to Pay":
		promises.validate(doc)
	elif doc.interaction_type == "Dispute":
		disputes.validate(doc)


def after_insert(doc) -> None:
	if doc.interaction_type == "Promise to Pay":
		promises.roll_up([doc.customer])
	elif doc.interaction_type == "Dispute":
		disputes.after_insert(doc)


def on_update(doc) -> None:
	if doc.interaction_type in ("Dispute", "Complaint"):
		disputes.on_update(doc)
	elif doc.interaction_type == "Promise to Pay" and not doc.flags.in_insert:
		promises.roll_up([doc.customer])
