"""doc_events on frappe's Address: the data-quality score of the customers it is linked to
(contact person, email, phone, address) follows at once, not only at night."""

from crm_pack.relationship import data_quality
from crm_pack.utils.guard import never_blocks


def on_update(doc, method=None) -> None:
	with never_blocks("crm_pack: data quality not updated", doc):
		data_quality.refresh_for_links(doc)


def after_delete(doc, method=None) -> None:
	with never_blocks("crm_pack: data quality not updated", doc):
		data_quality.refresh_for_links(doc)
