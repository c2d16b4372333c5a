"""Whitelisted methods of the backtest (analytics/backtest.py)."""

import frappe
from frappe import _
from frappe.utils import flt

from crm_pack.permissions import require_crm_manager


@frappe.whitelist(methods=["POST"])
def apply_suggestion(score: str, min_precision: float) -> dict:
	"""A CRM Manager sets the churn High threshold or the unreliable-payer threshold to the
	value the stored backtest suggests at this precision (%): the value is recomputed here,
	never taken from the browser, and saved through CRM Pack Settings (its permission and
	validation)."""
	require_crm_manager(_("Only a CRM Manager can change the score settings."))
	from crm_pack.analytics import backtest
	from crm_pack.crm_pack.report.how_well_the_scores_predicted.how_well_the_scores_predicted import (
		SETTING_LABELS,
	)

	if score not in SETTING_LABELS:
		frappe.throw(
			_(
				"Only the Churn Risk and Payment Reliability thresholds can be set from the backtest, not {0}."
			).format(score)
		)
	precision = flt(min_precision)
	if not 0 < precision <= 100:
		frappe.throw(_("The precision must be above 0 % and at most 100 %, not {0}.").format(precision))
	suggested = backtest.suggestion(score, precision / 100)
	if suggested is None:
		frappe.throw(
			_(
				"The backtest suggests no value at {0}% precision: not enough history, or no threshold "
				"was that precise. Try a lower precision."
			).format(precision)
		)
	settings = frappe.get_doc("CRM Pack Settings")
	settings.check_permission("write")
	# an empty setting (a site upgraded before it existed) is the default the scores use
	before = settings.get(suggested["field"]) or backtest.DEFAULTS[suggested["field"]]
	settings.set(suggested["field"], suggested["value"])
	settings.save()
	label = _(SETTING_LABELS[score])
	return {
		"value": suggested["value"],
		"message": _("{0} changed from {1} to {2}.").format(label, before, suggested["value"]),
	}
