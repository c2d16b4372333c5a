"""Customer value analytics for every customer at once: ABC tier, five-part lifetime
value, churn risk, RFM segment and share of wallet.

A run has two steps:

1. The analytics basis (analytics/basis.py) is read from the ledger for
   the customers whose basis is stale: their ledger changed, the settings changed,
   their 12-month window moved or the basis is a week old. On a usual night that is
   the few customers who bought, paid or returned something; on the first run, or
   after a settings change, it is everyone.
2. Everyone is ranked against each other from four stored columns (ABC tiers, RFM
   quintiles), and scored in full only where a score can have moved: the day stored
   with the scores has come (the calendar moves churn risk, rules/churn.next_change),
   what the scores are computed from changed (a basis, a money signal, the estimated
   spend, the settings), or a rank moved. Only the customers whose figures moved are
   written.

The rules are the pure functions of crm_pack.analytics; this module reads, decides
what to refresh, and writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import zlib

import frappe
from frappe.query_builder.functions import Coalesce
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime, nowdate
from pypika.terms import Function

from crm_pack import texts
from crm_pack.analytics import basis as analytics_basis
from crm_pack.analytics import ranking
from crm_pack.analytics.rules import backtest, churn, rfm
from crm_pack.credit_control.rules import behaviour
from crm_pack.utils.bulk_update import CHUNK, update_rows

SCORE_FIELDS = (
	"abc_tier",
	"churn_risk_score",
	"churn_risk_level",
	"churn_risk_reason_codes",
	"rfm_segment",
	"rfm_score",
	"share_of_wallet",
)
# everyone's basis is read in one pass, rather than in chunks by name, above this share
FULL_READ_SHARE = 0.3
# names per IN list when stored rows are read by name
IN_LIST = 10_000

# What a customer's scores are computed from, beside the day and the population's ranks:
# the stored basis, the money signals and the estimated spend. Their digest is computed by
# the database, both when a customer is scored (stored beside the scores) and every night
# to find whom to score again, so the two always hash the same text.
SCORED_FROM = (
	"estimated_annual_spend",
	"first_purchase_date",
	"last_purchase_date",
	"buying_days",
	"usual_interval_days",
	"interval_spread_days",
	"churn_signal_points",
	"churn_signals",
	"net_revenue",
	"billed_last_12_months",
	"credit_used_percent",
	"late_order_count",
	"late_order_amount",
	"payment_reliability",
)
# what scoring reads of a stored row: the inputs above, and the digests and day it compares
_STATE = (
	"name",
	"analytics_dirty",
	*SCORED_FROM,
	"analytics_scores_digest",
	"analytics_basis_digest",
	"analytics_basis_key",
	"analytics_due_on",
	"analytics_scored_inputs",
)

# Raise when the scoring rules change what they store: everyone is then scored again.
SCORES_VERSION = 1
# a basis read stores only what the staleness marks need of the stored row
_BASIS_STATE = ("name", "analytics_dirty", "analytics_basis_digest", "analytics_basis_key")


def _stale(today: dt.date, key: str) -> tuple[list[str], list[str]]:
	"""The customers whose basis is read again (their ledger changed, the key changed, or
	it is a week old), and those whose 12-month window alone moved: an invoice left it, and
	the window's billing is all of a basis that moves with the calendar
	(analytics_basis.move_windows)."""
	crm = frappe.qb.DocType("CRM Customer")
	oldest = today - dt.timedelta(days=analytics_basis.MAX_AGE_DAYS)
	read_again = (
		(crm.analytics_dirty > 0)
		| (Coalesce(crm.analytics_basis_key, "") != key)
		| crm.analytics_basis_on.isnull()
		| (crm.analytics_basis_on < oldest)
	)
	rows = (
		frappe.qb.from_(crm)
		.select(crm.name, read_again)
		.where(read_again | (crm.billed_window_ends <= today))
		.run()
	)
	return [n for n, again in rows if again], [n for n, again in rows if not again]


def _basis_state(names: list[str] | None = None) -> dict[str, dict]:
	"""What storing a basis compares with (its digest and key) and takes back (the changes
	counted), for everyone or these customers."""
	crm = frappe.qb.DocType("CRM Customer")
	query = frappe.qb.from_(crm).select(*(crm[f] for f in _BASIS_STATE))
	rows = []
	for start in range(0, len(names) if names is not None else 1, IN_LIST):
		part = query if names is None else query.where(crm.name.isin(names[start : start + IN_LIST]))
		rows += part.run()
	return {row[0]: dict(zip(_BASIS_STATE, row, strict=True)) for row in rows}


def _scores_key(settings, churn_settings) -> str:
	"""Changes when anything every customer is scored with changes."""
	return repr((SCORES_VERSION, churn_settings, unreliable_below(settings)))


def _scored_from(crm, key: str):
	"""The digest of what these scores are computed from (SCORED_FROM and the settings)."""
	return Function("MD5", Function("CONCAT_WS", "|", key, *(Coalesce(crm[f], "") for f in SCORED_FROM)))


def _to_score(today: dt.date, key: str, settings) -> tuple[dict[str, dict], tuple[dict, dict]]:
	"""The stored state (_STATE, and the digest of what the scores are computed from) of
	the customers to score in full, with their ranks: those whose day has come, whose
	inputs or stored scores changed (a tier set by hand, or any figure written through the
	API, clears the digest), or whose tier or RFM code moved. Everyone is ranked in the
	same scan (analytics/ranking.py); only those rows come back."""
	crm = frappe.qb.DocType("CRM Customer")
	a_share, b_share = flt(settings.abc_a_share) / 100 or 0.8, flt(settings.abc_b_share) / 100 or 0.95
	ranked = ranking.terms(crm, today, ranking.cuts(today, a_share, b_share))
	due = (
		(crm.analytics_due_on <= today)
		| (Coalesce(crm.analytics_scores_digest, "") == "")
		| (ranked["tier"] != Coalesce(crm.abc_tier, ""))
		| (Coalesce(ranked["code"], "") != Coalesce(crm.rfm_score, ""))
		# last: the costliest, left out for the rows already due
		| (Coalesce(crm.analytics_scored_inputs, "") != _scored_from(crm, key))
	)
	fields = (*_STATE, "scored_from")
	rank_fields = ("tier", "recency", "frequency", "monetary", "days")
	rows = (
		frappe.qb.from_(crm)
		.select(*(crm[f] for f in _STATE), _scored_from(crm, key), *(ranked[f] for f in rank_fields))
		.where(due)
		.run()
	)
	state, tiers, rfm_scores = {}, {}, {}
	for row in rows:
		name = row[0]
		state[name] = dict(zip(fields, row[: len(fields)], strict=True))
		tier, recency, frequency, monetary, days = row[len(fields) :]
		tiers[name] = tier
		if recency is not None:
			r, f, m = int(recency), int(frequency), int(monetary)
			rfm_scores[name] = rfm.RFMScore(int(days), r, f, m, rfm.segment(r, f))
	return state, (tiers, rfm_scores)


def _referrals() -> tuple[dict[str, str], dict[str, float]]:
	"""Who referred whom, and the stored base profit of each referred customer."""
	crm = frappe.qb.DocType("CRM Customer")
	rows = (
		frappe.qb.from_(crm)
		.select(crm.name, crm.referred_by, crm.clv_base_profit)
		.where(Coalesce(crm.referred_by, "") != "")
		.run()
	)
	return {n: r for n, r, _p in rows}, {n: float(p or 0) for n, _r, p in rows}


def _store_bases(bases, state: dict[str, dict], commit: bool) -> None:
	"""Writes the bases that changed; of the others only the day they were read. Only under
	the same key: a re-read that found the ledger as it was (the weekly net, a document
	cancelled and amended) rewrites two columns, while a rules upgrade or a settings
	change (a new key) rewrites every basis, whatever the digest says."""
	rows, unchanged, seen = [], [], {}
	for name, basis in bases:
		digest = analytics_basis.digest(basis)
		stored = state[name]
		if (
			digest == stored.get("analytics_basis_digest")
			and stored.get("analytics_basis_key") == basis["analytics_basis_key"]
		):
			unchanged.append((name, basis["analytics_basis_key"], basis["analytics_basis_on"]))
		else:
			rows.append((name, *(basis[f] for f in analytics_basis.FIELDS), digest))
		state[name].update(basis, analytics_basis_digest=digest)
		seen[name] = cint(state[name]["analytics_dirty"])
		if len(rows) == CHUNK:
			update_rows(
				"CRM Customer", (*analytics_basis.FIELDS, "analytics_basis_digest"), rows, commit=commit
			)
			rows = []
	update_rows("CRM Customer", (*analytics_basis.FIELDS, "analytics_basis_digest"), rows, commit=commit)
	update_rows("CRM Customer", ("analytics_basis_key", "analytics_basis_on"), unchanged, commit=commit)
	analytics_basis.clear_changed(seen)


def _churn_settings():
	s = frappe.get_cached_doc("CRM Pack Settings")
	return s, backtest.churn_settings(
		cint(s.churn_high_score) or churn.ChurnSettings.high_score,
		new_customer_days=cint(s.churn_new_customer_days) or 90,
		default_interval_days=cint(s.churn_default_interval_days) or 90,
	)


def unreliable_below(settings) -> float:
	"""CRM Pack Settings' unreliable-payer threshold (the rule's default when empty)."""
	return flt(settings.unreliable_payer_below_percent) or behaviour.LOW_RELIABILITY_PERCENT


def _date(value) -> dt.date | None:
	# the database hands dates over as dates; a basis just computed holds them too
	return value if type(value) is dt.date else getdate(value) if value else None


def _pattern(s: dict) -> churn.BuyingPattern:
	# plain conversions, not flt/cint: this runs for every customer every night
	buying_days = int(s["buying_days"] or 0)
	signals = s["churn_signals"]
	return churn.BuyingPattern(
		first_day=_date(s["first_purchase_date"]),
		last_day=_date(s["last_purchase_date"]),
		buying_days=buying_days,
		interval=float(s["usual_interval_days"] or 0) if buying_days > 1 else None,
		spread=float(s["interval_spread_days"] or 0),
		signal_points=float(s["churn_signal_points"] or 0),
		signal_reasons=tuple((t, tuple(a)) for t, a in json.loads(signals)) if signals else (),
	)


def _money_signals(s: dict, unreliable: float) -> list[tuple[str, tuple]]:
	return behaviour.churn_signals(
		credit_used_percent=float(s.get("credit_used_percent") or 0),
		late_order_count=int(s.get("late_order_count") or 0),
		late_order_amount=float(s.get("late_order_amount") or 0),
		# 0 is also "nothing measured yet": the rule raises nothing for it
		payment_reliability=float(s.get("payment_reliability") or 0),
		low_reliability_percent=unreliable,
	)


def score_all(state: dict[str, dict], today: dt.date, ranked: tuple[dict, dict]) -> dict[str, dict]:
	"""These customers' scores on `today`, from their stored basis and their ranks among
	everyone (`_to_score`: tiers, and RFM scores with segments as if nobody were New).
	Beside the scores, the day the calendar alone next moves them (`analytics_due_on`)."""
	settings, churn_settings = _churn_settings()
	tiers, rfm_scores = ranked
	unreliable = unreliable_below(settings)
	out = {}
	for name, s in state.items():
		pattern = _pattern(s)
		signals = _money_signals(s, unreliable)
		risk = churn.risk(pattern, today, churn_settings, signals)
		score = rfm_scores.get(name)
		if score and risk.level == churn.NEW:
			# New by the churn rule: New Customers whatever the quintiles say (rfm.score)
			score = dataclasses.replace(score, segment=rfm.NEW_CUSTOMERS)
		wallet = rfm.share_of_wallet(
			float(s["billed_last_12_months"] or 0), float(s["estimated_annual_spend"] or 0)
		)
		out[name] = {
			"abc_tier": tiers.get(name, "C"),
			# whole points: tenths are noise, and would rewrite most customers every night
			"churn_risk_score": round(risk.score),
			"churn_risk_level": risk.level,
			# codes, not text: the reader's language renders them (crm_pack/texts.py). Kept
			# as the rule gave them; encoded only for the rows written (_stored)
			"churn_risk_reason_codes": risk.reasons,
			"rfm_segment": score.segment if score else None,
			"rfm_score": score.code if score else None,
			# 0 when there is no estimate to compare with (the column cannot hold "unknown")
			"share_of_wallet": 0 if wallet is None else round(wallet * 100, 1),
			"analytics_due_on": churn.next_change(pattern, today, churn_settings, len(signals)),
		}
	return out


def _digest(scores: dict) -> str:
	"""Of the scores as the rules give them: the reasons' repr (templates, numbers, dates)
	is as telling as their stored JSON and a tenth of the cost, so only changed rows are
	encoded. Language-neutral, so it does not move with the language the job runs in."""
	return format(zlib.crc32(repr(tuple(scores[f] for f in SCORE_FIELDS)).encode()), "08x")


def _stored(scores: dict) -> dict:
	"""The scores as columns hold them."""
	return {**scores, "churn_risk_reason_codes": texts.encode(scores["churn_risk_reason_codes"])}


def _progress(step: int, steps: int, text: str, progress: bool | str) -> None:
	"""`progress`: True for whoever watches, or the user who started the run."""
	if progress:
		frappe.publish_realtime(
			"progress",
			{"percent": 100 * step / steps, "title": frappe._("Customer analytics"), "description": text},
			user=progress if isinstance(progress, str) else frappe.session.user,
		)


def recompute_all(*, today: dt.date | None = None, commit: bool = False, progress: bool | str = False) -> int:
	"""Refresh stale bases, score every customer whose scores can have moved and store
	what changed; returns how many customers were scored. With `commit`, each chunk is
	committed as it is written, so a document event waiting on one of these customers
	waits briefly."""
	today = getdate(today or nowdate())
	# payment behaviour first: tonight's churn signals read it
	from crm_pack.credit_control import behaviour as payment_behaviour

	payment_behaviour.recompute_all(today=today, commit=commit)
	key = analytics_basis.basis_key()
	stale, windows = _stale(today, key)
	analytics_basis.move_windows(windows, today, commit)
	if stale:
		_progress(0, 3, frappe._("Reading the ledger of {0} customers").format(len(stale)), progress)
		everyone = len(stale) > FULL_READ_SHARE * frappe.db.count("CRM Customer")
		referred_by, profits = _referrals()
		# the referrers of the stale customers are read again with them
		names = None if everyone else sorted({*stale, *(referred_by[n] for n in stale if referred_by.get(n))})
		state = _basis_state(names)
		bases = analytics_basis.compute(
			None if everyone else stale, today, list(state), referred_by, profits, key
		)
		_store_bases(bases, state, commit)
	return _score_and_store(today, commit, progress)


def _score_and_store(today: dt.date, commit: bool, progress: bool | str) -> int:
	"""Everyone ranked; scored in full where a score can have moved; what moved written."""
	settings, churn_settings = _churn_settings()
	started = now_datetime()
	state, ranked = _to_score(today, _scores_key(settings, churn_settings), settings)
	_progress(1, 3, frappe._("Scoring {0} customers").format(len(state)), progress)
	scores = score_all(state, today, ranked)
	changed, moved = [], []
	for name, values in scores.items():
		stored = state[name]
		due = (values["analytics_due_on"], stored["scored_from"])
		digest = _digest(values)
		if digest != stored["analytics_scores_digest"]:
			values = _stored(values)
			changed.append((name, *(values[f] for f in SCORE_FIELDS), digest, *due, started))
		elif due != (_date(stored["analytics_due_on"]), stored["analytics_scored_inputs"]):
			moved.append((name, *due, started))
	_progress(2, 3, frappe._("Storing the figures of {0} customers").format(len(changed)), progress)
	due_fields = ("analytics_due_on", "analytics_scored_inputs", "analytics_updated_on")
	update_rows(
		"CRM Customer", (*SCORE_FIELDS, "analytics_scores_digest", *due_fields), changed, commit=commit
	)
	update_rows("CRM Customer", due_fields, moved, commit=commit)
	_stamp(started)
	if commit:
		frappe.db.commit()
	_progress(3, 3, frappe._("Done"), progress)
	return len(scores)


def _stamp(started: dt.datetime) -> None:
	"""Every customer that existed when this run ranked them is now up to date. Said once,
	as the run's time in CRM Pack Settings, which the form shows as each customer's
	Analytics Updated On (crm_customer.py): stamping 100,000 rows whose figures did not
	move cost more than ranking them. The rows written carry the time themselves, and
	so does a customer's first run, which the reports read as "the analytics have run"."""
	crm = frappe.qb.DocType("CRM Customer")
	(
		frappe.qb.update(crm)
		.set(crm.analytics_updated_on, started)
		.where(crm.analytics_updated_on.isnull())
		.where(crm.creation <= started)
		.run()
	)
	frappe.db.set_single_value("CRM Pack Settings", "analytics_run_on", started, update_modified=False)


def last_run_on() -> dt.datetime | None:
	"""When the last analytics run brought every customer of that day up to date."""
	value = frappe.db.get_single_value("CRM Pack Settings", "analytics_run_on")
	return get_datetime(value) if value else None


# --- the same run in chunks on the long queue (crm_pack/utils/chunked_jobs.py) ---
RUN = "analytics"
CHUNK_CUSTOMERS = 5000


def chunks_of(names: list[str], referred_by: dict[str, str], size: int) -> list[list[str]]:
	"""`names` in chunks of about `size`, a referrer always in the same chunk as the
	customers of `names` it referred: its referral value is their base profit, which
	this run computes, so no chunk reads a profit another chunk is still writing."""
	members = set(names)
	parent = {n: n for n in names}

	def root(n):
		while parent[n] != n:
			parent[n] = parent[parent[n]]
			n = parent[n]
		return n

	for name in names:
		referrer = referred_by.get(name)
		if referrer in members and referrer != name:
			a, b = root(name), root(referrer)
			if a != b:
				parent[max(a, b)] = min(a, b)
	groups: dict[str, list[str]] = {}
	for name in sorted(names):
		groups.setdefault(root(name), []).append(name)
	chunks, current = [], []
	for group in groups.values():
		current += group
		if len(current) >= size:
			chunks.append(current)
			current = []
	if current:
		chunks.append(current)
	return chunks


def start_run(*, today: dt.date | None = None, chunk_size: int = CHUNK_CUSTOMERS) -> list[str]:
	"""The coordinator: the stale customers' bases are read in chunks, one job each on
	the long queue, and the last chunk queues the scoring of everyone (`score_job`), the
	part that ranks the whole population. Returns the job ids queued."""
	from crm_pack.credit_control import behaviour as payment_behaviour
	from crm_pack.utils import chunked_jobs

	today = getdate(today or nowdate())
	# payment behaviour first, as in a single run: tonight's churn signals read it (a few
	# grouped reads per 2,000 customers, committed per chunk, so it stays in the coordinator)
	payment_behaviour.recompute_all(today=today, commit=True)
	key = analytics_basis.basis_key()
	stale, windows = _stale(today, key)
	analytics_basis.move_windows(windows, today, commit=True)
	referred_by, _profits = _referrals()
	# as in a single run: the referrers of the stale customers are read again with them
	names = sorted(set(stale) | {referred_by[n] for n in stale if referred_by.get(n)})
	return chunked_jobs.start(
		RUN,
		"crm_pack.analytics.nightly.refresh_chunk",
		chunks_of(names, referred_by, chunk_size),
		kwargs={"today": str(today), "key": key},
		final="crm_pack.analytics.nightly.score_job",
		final_kwargs={"today": str(today)},
	)


@frappe.read_only()
def _read_chunk(names: list[str], today: dt.date, key: str) -> tuple[dict, list]:
	"""On the read replica where one is configured: the chunk's counters and ledger are
	read in one snapshot, so the changes this run clears are exactly those it has read."""
	state = _basis_state(names)
	bases = list(analytics_basis.compute(names, today, list(state), *_referrals(), key))
	return state, bases


def refresh_chunk(names: list[str], today: str, key: str) -> None:
	"""A chunk's job: these customers' bases read and stored, each chunk committed."""
	today = getdate(today)
	state, bases = _read_chunk(names, today, key)
	_store_bases(bases, state, commit=True)


def score_job(today: str, failed: int = 0) -> None:
	"""The final step: everyone scored against each other from the bases the chunks
	stored (read on the primary: a replica may not have them yet)."""
	_score_and_store(getdate(today), commit=True, progress=False)


RUN_NOW_JOB_ID = "crm_pack::analytics_run"


def recompute_all_job() -> None:
	"""Scheduler (nightly): in chunks on the long queue, so more workers finish it sooner."""
	start_run()


def run_for(user: str) -> None:
	"""On demand (api/analytics.run_now): progress to the user who started it, and a
	notification when the figures are in."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	scored = recompute_all(commit=True, progress=user)
	make_notification_logs(
		frappe._dict(
			{
				"type": "Alert",
				"document_type": "CRM Pack Settings",
				"document_name": "CRM Pack Settings",
				"subject": frappe._("Customer analytics done: {0} customers scored.").format(scored),
				"from_user": user,
			}
		),
		[user],
	)
	frappe.db.commit()
