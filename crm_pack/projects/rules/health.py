"""Project health from schedule slip, open high risks, scope change and adoption."""

from dataclasses import dataclass

from crm_pack.problems import _

HIGH_RISK_SCORE = 15  # likelihood × impact on the 5 × 5 grid
# the reason shown when nothing takes points off
ON_PLAN = (_("On plan."), ())


@dataclass
class HealthInputs:
	slip_days: int
	planned_days: int
	open_high_risks: int
	requirements: int
	scope_changes: int
	adoption_percent: float | None  # None until anyone is trained


@dataclass
class Health:
	score: float
	reasons: list[tuple[str, tuple]]


def assess(h: HealthInputs) -> Health:
	"""100 is healthy. Each factor takes off at most its weight, in proportion to how bad it is."""
	reasons, penalty = [], 0.0
	if h.slip_days > 0:
		share = min(1.0, h.slip_days / max(h.planned_days * 0.25, 7))
		penalty += 35 * share
		reasons.append((_("{0} days behind plan."), (h.slip_days,)))
	if h.open_high_risks:
		penalty += min(30, 10 * h.open_high_risks)
		reasons.append((_("{0} open high risks (score ≥ {1})."), (h.open_high_risks, HIGH_RISK_SCORE)))
	if h.scope_changes and h.requirements:
		share = h.scope_changes / h.requirements
		penalty += 20 * min(1.0, share / 0.3)
		reasons.append(
			(
				_("{0} of {1} requirements arrived after the baseline (scope change)."),
				(h.scope_changes, h.requirements),
			)
		)
	if h.adoption_percent is not None and h.adoption_percent < 100:
		penalty += 15 * (1 - h.adoption_percent / 100)
		reasons.append((_("{0}% of trained users reach the usage target."), (round(h.adoption_percent),)))
	return Health(round(max(0.0, 100 - penalty), 1), reasons)


def slip_days(phases: list[dict], today) -> int:
	"""Days the work is behind: the latest unfinished phase whose planned end has passed."""
	late = [
		(today - p["planned_end_date"]).days
		for p in phases
		if p.get("planned_end_date") and p.get("status") != "Completed" and p["planned_end_date"] < today
	]
	return max(late, default=0)


def adoption(docs_per_week: dict[str, float], target_per_week: float) -> float | None:
	"""Share of trained users whose documents created or changed per week since training meet the target."""
	if not docs_per_week:
		return None
	meeting = sum(1 for rate in docs_per_week.values() if rate >= target_per_week)
	return round(100 * meeting / len(docs_per_week), 1)
