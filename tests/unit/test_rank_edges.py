"""The edges the database ranks everyone by (analytics/ranking.py) give the rules' own
tiers and quintiles: abc.tier_counts against abc.classify, rfm.quintile_cuts against
rfm.quintiles, on hand-made and on many random populations (ties, zeros, returns)."""

import random

import pytest

from crm_pack.analytics.rules import abc, rfm


def tiers_from_counts(revenue: dict[str, float], a_share=0.8, b_share=0.95) -> dict[str, str]:
	ranked = sorted(revenue.items(), key=lambda item: (-item[1], item[0]))
	in_a, in_b = abc.tier_counts([r for _n, r in ranked if r > 0], a_share, b_share)
	return {n: "A" if at < in_a else "B" if at < in_b else "C" for at, (n, _r) in enumerate(ranked)}


def scores_from_cuts(values: dict[str, float]) -> dict[str, int]:
	cuts = rfm.quintile_cuts(sorted(values.values()))
	return {n: 3 if cuts is None else 1 + sum(v > c for c in cuts) for n, v in values.items()}


def test_tier_counts_are_runs_of_places():
	# shares before: 0, 60 %, 90 %, 96 %: two A, then one B
	assert abc.tier_counts([60, 30, 6, 4], 0.8, 0.95) == (2, 3)
	assert abc.tier_counts([80, 15, 5], 0.8, 0.95) == (1, 2)
	assert abc.tier_counts([], 0.8, 0.95) == (0, 0)
	assert abc.tier_counts([5, 5], 0, 0) == (0, 0)


def test_quintile_cuts_of_ten_values_split_them_in_pairs():
	assert rfm.quintile_cuts(list(range(10))) == (1, 3, 5, 7)
	assert scores_from_cuts({f"c{i}": i for i in range(10)}) == rfm.quintiles({f"c{i}": i for i in range(10)})
	assert rfm.quintile_cuts([7, 7]) is None
	assert rfm.quintile_cuts([]) is None


@pytest.mark.parametrize("seed", range(300))
def test_the_edges_rank_as_the_rules_do(seed):
	rng = random.Random(seed)
	size = rng.randint(1, 60)
	# few distinct values, so ties are common, and zeros and returns among them
	pool = [
		rng.choice([0, -rng.randint(1, 50), rng.randint(1, 9) * 10, rng.random() * 100]) for _ in range(6)
	]
	revenue = {f"C{rng.randint(0, 10**6):07d}-{i}": rng.choice(pool) for i in range(size)}
	a_share = rng.choice([0.8, 0.5, 0.1, 0, 1])
	b_share = rng.choice([b for b in (0.95, 0.8, 1) if b >= a_share])
	assert tiers_from_counts(revenue, a_share, b_share) == abc.classify(revenue, a_share, b_share)
	assert scores_from_cuts(revenue) == rfm.quintiles(revenue)
