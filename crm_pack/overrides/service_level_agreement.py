"""doc_events on ERPNext's Service Level Agreement: ERPNext accepts negative targets; an
agreement for interactions must not."""

from crm_pack.interactions import service_levels


def validate(doc, method=None) -> None:
	service_levels.validate_targets(doc)
