"""The requirements backlog: most valuable first, fewest constraints first among equals;
what arrives after the baseline phase is scope change (the top risk of the texts)."""

from dataclasses import dataclass


@dataclass
class Requirement:
	key: str
	business_value: int
	constraint_count: int
	position: int


def prioritise(requirements: list[Requirement]) -> list[str]:
	"""Keys in priority order; the current position breaks remaining ties (stable)."""
	ordered = sorted(
		requirements, key=lambda r: (-(r.business_value or 0), r.constraint_count or 0, r.position)
	)
	return [r.key for r in ordered]


def is_scope_change(is_new: bool, baseline_completed: bool) -> bool:
	return is_new and baseline_completed
