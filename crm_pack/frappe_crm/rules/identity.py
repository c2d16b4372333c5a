"""Which ERPNext Customer a Frappe CRM Organization is, for organizations and customers that
existed before the bridge (pure).

Frappe CRM itself writes the link when a deal is won: the deal's organization becomes a
Customer named after it, `CRM Deal.erpnext_customer` names it and `Customer.crm_deal` names
the deal. An organization is matched to the customers its deals name first; only where its
deals name none, to a customer whose name is the organization's. A match is kept only where
exactly one customer fits and no other organization claims it: anything else is left for a
person to decide."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def name_key(name: str | None) -> str:
	"""Names compare as the database compares them: case and outer spaces aside."""
	return (name or "").strip().casefold()


def match_organizations(
	organizations: Iterable[str],
	deal_customers: dict[str, set[str]],
	customers_by_name: dict[str, list[str]],
	linked_customers: set[str],
) -> tuple[dict[str, str], dict[str, list[str]]]:
	"""organizations: the organizations not yet linked; deal_customers: organization → the
	customers its deals name; customers_by_name: name_key(customer_name) → customers of that
	name; linked_customers: customers already anchored on an organization.

	Returns (organization → customer to link, organization → its candidates where more than
	one customer fits or another organization claims the same one)."""
	candidates: dict[str, list[str]] = {}
	for org in organizations:
		named = sorted(c for c in deal_customers.get(org) or () if c)
		if not named:
			named = sorted(customers_by_name.get(name_key(org)) or ())
		named = [c for c in named if c not in linked_customers]
		if named:
			candidates[org] = named

	claims: dict[str, list[str]] = defaultdict(list)
	for org, named in candidates.items():
		if len(named) == 1:
			claims[named[0]].append(org)

	links: dict[str, str] = {}
	ambiguous: dict[str, list[str]] = {}
	for org, named in candidates.items():
		if len(named) == 1 and len(claims[named[0]]) == 1:
			links[org] = named[0]
		else:
			ambiguous[org] = named
	return links, ambiguous
