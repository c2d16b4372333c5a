"""A rule's verdict in plain Python, translated where it reaches a person.

Domain modules have no frappe import, so they cannot translate. They mark their
English messages with `_` (so the translation extractor finds them) and return
`Problem`s; `crm_pack.utils.validation.throw_problems` translates and throws.
"""

from dataclasses import dataclass, field


def _(message: str) -> str:
	"""Marks a message for extraction; translated by the caller."""
	return message


class Label(str):
	"""An argument that is itself English UI text, so the caller translates it too."""


@dataclass(frozen=True)
class Money:
	"""An amount the caller shows as money, in its currency and the reader's number format."""

	amount: float
	currency: str | None = None


@dataclass(frozen=True)
class Problem:
	fieldname: str
	message: str
	args: tuple = field(default_factory=tuple)
	# (table label, row number) when the problem is in a child table row
	row: tuple[str, int] | None = None
