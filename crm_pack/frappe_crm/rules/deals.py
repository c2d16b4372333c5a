"""A customer's deals in Frappe CRM, summed up for the CRM Customer (pure).

Frappe CRM gives every deal status a type (Open, Ongoing, On Hold, Won, Lost); the open
pipeline is what is neither won nor lost. Values stay in each deal's own currency: deals in
several currencies give one sum per currency, never a converted total."""

from __future__ import annotations

WON, LOST = "Won", "Lost"


def kind(status_type: str | None) -> str:
	"""won, lost or open (a status without a type counts as open, as Frappe CRM's Kanban does)."""
	if status_type == WON:
		return "won"
	if status_type == LOST:
		return "lost"
	return "open"


def summarize(deals: list[dict], status_types: dict[str, str]) -> dict:
	"""deals: rows with status, deal_value and currency; status_types: status → its type."""
	out = {"open": 0, "won": 0, "lost": 0, "open_value": {}, "won_value": {}}
	for deal in deals:
		k = kind(status_types.get(deal.get("status") or ""))
		out[k] += 1
		if k in ("open", "won"):
			values = out[f"{k}_value"]
			currency = deal.get("currency") or ""
			values[currency] = round(values.get(currency, 0.0) + float(deal.get("deal_value") or 0), 2)
	return out
