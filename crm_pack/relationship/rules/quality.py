"""Data quality of a customer record, and when a relationship has gone stale."""

import datetime as dt

from crm_pack.problems import _

# what a usable customer record has, in the order a person would fix it
CHECKS = (
	("owner", _("relationship owner")),
	("contact", _("contact person")),
	("email", _("email address")),
	("phone", _("phone number")),
	("address", _("address")),
	("tax_id", _("tax ID")),
)


def quality(present: dict[str, bool]) -> tuple[float, list[str]]:
	"""Share of CHECKS present (0-100) and the English labels of what is missing."""
	missing = [label for key, label in CHECKS if not present.get(key)]
	return round(100.0 * (len(CHECKS) - len(missing)) / len(CHECKS), 1), missing


def last_activity(*dates: dt.date | None) -> dt.date | None:
	known = [d for d in dates if d]
	return max(known) if known else None


def is_stale(activity: dt.date | None, created: dt.date, today: dt.date, after_days: int) -> bool:
	"""No interaction, order or invoice for more than `after_days` (counted from the record's
	creation when there has never been any)."""
	return (today - (activity or created)).days > after_days
