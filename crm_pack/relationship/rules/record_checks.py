"""Validation of CRM Customer and CRM Pack Settings values."""

from crm_pack.problems import Problem, _


def check_customer(
	*,
	name: str | None,
	customer: str | None,
	satisfaction: float | None,
	estimated_annual_spend: float | None,
	referred_by: str | None,
) -> list[Problem]:
	problems = []
	if name and customer and name != customer:
		problems.append(
			Problem("customer", _("CRM Customer {0} must be named after its Customer {1}."), (name, customer))
		)
	if satisfaction and not 1 <= satisfaction <= 5:
		problems.append(
			Problem(
				"satisfaction_score", _("Satisfaction must be between 1 and 5, not {0}."), (satisfaction,)
			)
		)
	if estimated_annual_spend and estimated_annual_spend < 0:
		problems.append(Problem("estimated_annual_spend", _("Estimated annual spend cannot be negative.")))
	if referred_by and customer and referred_by == customer:
		problems.append(Problem("referred_by", _("A customer cannot be referred by itself.")))
	return problems


def check_settings(
	*,
	abc_a_share: float,
	abc_b_share: float,
	default_margin_percent: float,
	stale_after_days: int,
	ledger_batch_size: int,
	scorecard_attribution_days: int = 30,
) -> list[Problem]:
	problems = []
	if not 0 < abc_a_share < abc_b_share <= 100:
		problems.append(
			Problem(
				"abc_a_share",
				_("ABC shares must rise: 0 < A ({0}%) < B ({1}%) ≤ 100%."),
				(abc_a_share, abc_b_share),
			)
		)
	if not 0 <= default_margin_percent <= 100:
		problems.append(Problem("default_margin_percent", _("Default margin must be between 0% and 100%.")))
	if stale_after_days < 1:
		problems.append(Problem("stale_after_days", _("Stale after must be at least 1 day.")))
	if ledger_batch_size < 1:
		problems.append(Problem("ledger_batch_size", _("Batch size must be at least 1.")))
	if scorecard_attribution_days < 1:
		problems.append(
			Problem(
				"scorecard_attribution_days",
				_("Orders follow interactions within at least 1 day, not {0}."),
				(scorecard_attribution_days,),
			)
		)
	return problems
