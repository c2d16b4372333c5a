"""Customer value analytics for every customer at once: ABC tier, five-part lifetime
value, churn risk, RFM segment and share of wallet.

A run has two steps:

1. The analytics basis (analytics/basis.py) is read from the ledger for
   the customers whose basis is stale: their ledger changed, the settings changed,
   their 12-month window moved or the basis is a week old. On a usual night that is
   the few customers who bought, paid or returned something; on the first run, or
   after a settings change, it is everyone.
2. Every customer is scored from their basis, against today and against each
   other: churn risk (days since the last purchase against their rhythm), RFM
   quintiles, ABC tiers and share of wallet. Only the customers whose figures moved
   are written.

The rules are the pure functions of crm_pack.analytics; this module reads, decides
what to refresh, and writes.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib

import frappe
from frappe.query_builder.functions import Coalesce
from frappe.utils import cint, flt, getdate, now_datetime, nowdate

from crm_pack import texts
from crm_pack.analytics import basis as analytics_basis
from crm_pack.analytics.rules import abc, churn, rfm
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

_STATE = (
	"name",
	"stale",
	"analytics_dirty",
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
	"analytics_scores_digest",
	# money and delivery signals (credit_control)
	"credit_used_percent",
	"late_order_count",
	"late_order_amount",
	"payment_reliability",
)


def _state(today: dt.date, key: str) -> dict[str, dict]:
	"""Every customer's basis, whether it is stale, and a digest of their stored scores
	(comparing seven columns, the reason among them, would mean reading them all)."""
	crm = frappe.qb.DocType("CRM Customer")
	oldest = today - dt.timedelta(days=analytics_basis.MAX_AGE_DAYS)
	stale = (
		(crm.analytics_dirty > 0)
		| (Coalesce(crm.analytics_basis_key, "") != key)
		| crm.analytics_basis_on.isnull()
		| (crm.analytics_basis_on < oldest)
		| (crm.billed_window_ends <= today)
	)
	columns = [crm[f] for f in _STATE]
	columns[1] = stale
	rows = frappe.qb.from_(crm).select(*columns).run()
	return {row[0]: dict(zip(_STATE, row, strict=True)) for row in rows}


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


def _refresh_bases(
	customers: list[str] | None, state: dict[str, dict], today, key: str, commit: bool
) -> None:
	"""Reads the ledger of these customers (None: all), stores their basis and takes
	it into `state` for scoring."""
	bases = analytics_basis.compute(customers, today, list(state), *_referrals(), key)
	rows, seen = [], {}
	for name, basis in bases:
		state[name].update(basis)
		seen[name] = cint(state[name]["analytics_dirty"])
		rows.append((name, *(basis[f] for f in analytics_basis.FIELDS)))
		if len(rows) == CHUNK:
			update_rows("CRM Customer", analytics_basis.FIELDS, rows, commit=commit)
			rows = []
	update_rows("CRM Customer", analytics_basis.FIELDS, rows, commit=commit)
	analytics_basis.clear_changed(seen)


def _churn_settings():
	s = frappe.get_cached_doc("CRM Pack Settings")
	return s, churn.ChurnSettings(
		new_customer_days=cint(s.churn_new_customer_days) or 90,
		default_interval_days=cint(s.churn_default_interval_days) or 90,
	)


def _pattern(s: dict) -> churn.BuyingPattern:
	interval = flt(s["usual_interval_days"])
	return churn.BuyingPattern(
		first_day=getdate(s["first_purchase_date"]) if s["first_purchase_date"] else None,
		last_day=getdate(s["last_purchase_date"]) if s["last_purchase_date"] else None,
		buying_days=cint(s["buying_days"]),
		interval=interval if cint(s["buying_days"]) > 1 else None,
		spread=flt(s["interval_spread_days"]),
		signal_points=flt(s["churn_signal_points"]),
		signal_reasons=tuple((t, tuple(a)) for t, a in json.loads(s["churn_signals"]))
		if s["churn_signals"]
		else (),
	)


def _money_signals(s: dict) -> list[tuple[str, tuple]]:
	return behaviour.churn_signals(
		credit_used_percent=flt(s.get("credit_used_percent")),
		late_order_count=cint(s.get("late_order_count")),
		late_order_amount=flt(s.get("late_order_amount")),
		# 0 is also "nothing measured yet": the rule raises nothing for it
		payment_reliability=flt(s.get("payment_reliability")),
	)


def score_all(state: dict[str, dict], today: dt.date) -> dict[str, dict]:
	"""Every customer's scores on `today`, from their stored basis."""
	settings, churn_settings = _churn_settings()
	patterns = {name: _pattern(s) for name, s in state.items()}
	tiers = abc.classify(
		{n: flt(s["net_revenue"]) for n, s in state.items()},
		flt(settings.abc_a_share) / 100 or 0.8,
		flt(settings.abc_b_share) / 100 or 0.95,
	)
	risks = {
		name: churn.risk(patterns[name], today, churn_settings, _money_signals(state[name])) for name in state
	}
	rfm_scores = rfm.score(
		{
			n: rfm.Purchases(p.last_day, p.buying_days, flt(state[n]["net_revenue"]))
			for n, p in patterns.items()
		},
		today,
		new={name for name, risk in risks.items() if risk.level == churn.NEW},
	)
	out = {}
	for name, s in state.items():
		risk = risks[name]
		score = rfm_scores.get(name)
		wallet = rfm.share_of_wallet(flt(s["billed_last_12_months"]), flt(s["estimated_annual_spend"]))
		out[name] = {
			"abc_tier": tiers.get(name, "C"),
			# whole points: tenths are noise, and would rewrite most customers every night
			"churn_risk_score": round(risk.score),
			"churn_risk_level": risk.level,
			# codes, not text: the reader's language renders them (crm_pack/texts.py), and
			# the digest does not move with the language this job runs in
			"churn_risk_reason_codes": texts.encode(risk.reasons),
			"rfm_segment": score.segment if score else None,
			"rfm_score": score.code if score else None,
			# 0 when there is no estimate to compare with (the column cannot hold "unknown")
			"share_of_wallet": 0 if wallet is None else round(wallet * 100, 1),
		}
	return out


def _digest(scores: dict) -> str:
	return format(zlib.crc32(repr(tuple(scores[f] for f in SCORE_FIELDS)).encode()), "08x")


def _progress(step: int, steps: int, text: str, progress: bool | str) -> None:
	"""`progress`: True for whoever watches, or the user who started the run."""
	if progress:
		frappe.publish_realtime(
			"progress",
			{"percent": 100 * step / steps, "title": frappe._("Customer analytics"), "description": text},
			user=progress if isinstance(progress, str) else frappe.session.user,
		)


def recompute_all(*, today: dt.date | None = None, commit: bool = False, progress: bool | str = False) -> int:
	"""Refresh stale bases, score every customer and store what changed; returns how
	many customers were scored. With `commit`, each chunk is committed as it is
	written, so a document event waiting on one of these customers waits briefly."""
	today = getdate(today or nowdate())
	# payment behaviour first: tonight's churn signals read it
	from crm_pack.credit_control import behaviour as payment_behaviour

	payment_behaviour.recompute_all(today=today, commit=commit)
	key = analytics_basis.basis_key()
	state = _state(today, key)
	stale = [name for name, s in state.items() if s["stale"]]
	if stale:
		_progress(0, 3, frappe._("Reading the ledger of {0} customers").format(len(stale)), progress)
		everyone = len(stale) > FULL_READ_SHARE * len(state)
		_refresh_bases(None if everyone else stale, state, today, key, commit)

	_progress(1, 3, frappe._("Scoring {0} customers").format(len(state)), progress)
	scores = score_all(state, today)
	changed = []
	for name, values in scores.items():
		digest = _digest(values)
		if digest != state[name]["analytics_scores_digest"]:
			changed.append((name, *(values[f] for f in SCORE_FIELDS), digest))
	_progress(2, 3, frappe._("Storing the figures of {0} customers").format(len(changed)), progress)
	update_rows("CRM Customer", (*SCORE_FIELDS, "analytics_scores_digest"), changed, commit=commit)
	crm = frappe.qb.DocType("CRM Customer")
	frappe.qb.update(crm).set(crm.analytics_updated_on, now_datetime()).run()
	if commit:
		frappe.db.commit()
	_progress(3, 3, frappe._("Done"), progress)
	return len(scores)


RUN_NOW_JOB_ID = "crm_pack::analytics_run"


def recompute_all_job() -> None:
	recompute_all(commit=True, progress=True)


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
