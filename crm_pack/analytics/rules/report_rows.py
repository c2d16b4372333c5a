"""Shapes for the analytics reports (plain Python): Pareto table, tier summary, segment counts."""

from collections import Counter

from crm_pack.problems import _


def tier_summary(rows: list[dict]) -> list[dict]:
	"""Per tier: customers, share of customers, revenue, share of revenue — the
	"57 % of sales from 12 % of customers" view."""
	total_customers = len(rows) or 1
	total_revenue = sum(max(r["revenue"], 0) for r in rows) or 1
	out = []
	for tier in ("A", "B", "C"):
		members = [r for r in rows if r["tier"] == tier]
		revenue = sum(max(r["revenue"], 0) for r in members)
		out.append(
			{
				"tier": tier,
				"customers": len(members),
				"customer_share": round(100 * len(members) / total_customers, 1),
				"revenue": round(revenue, 2),
				"revenue_share": round(100 * revenue / total_revenue, 1),
			}
		)
	return out


def segment_counts(segments: list[str | None]) -> list[tuple[str, int]]:
	counts = Counter(s or _("No orders") for s in segments)
	return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
