from frappe.model.document import Document
from frappe.utils import cint, flt

from crm_pack.analytics.rules import backtest
from crm_pack.analytics.rules.churn import ChurnSettings
from crm_pack.credit_control.rules.behaviour import LOW_RELIABILITY_PERCENT
from crm_pack.credit_control.rules.levels import check_levels
from crm_pack.relationship.rules.record_checks import check_settings
from crm_pack.utils.validation import throw_problems


class CRMPackSettings(Document):
	def validate(self):
		throw_problems(
			check_settings(
				abc_a_share=flt(self.abc_a_share),
				abc_b_share=flt(self.abc_b_share),
				default_margin_percent=flt(self.default_margin_percent),
				stale_after_days=cint(self.stale_after_days),
				ledger_batch_size=cint(self.ledger_batch_size),
				scorecard_attribution_days=cint(self.scorecard_attribution_days),
			)
		)
		# empty on a site that had these settings before they existed: the rules' defaults
		self.churn_high_score = self.churn_high_score or ChurnSettings.high_score
		self.unreliable_payer_below_percent = self.unreliable_payer_below_percent or LOW_RELIABILITY_PERCENT
		throw_problems(
			backtest.check_settings(cint(self.churn_high_score), flt(self.unreliable_payer_below_percent))
		)
		throw_problems(check_levels([row.as_dict() for row in self.get("collection_levels") or []]))
		if cint(self.collections_enabled):
			from crm_pack.credit_control.steps import companies_without_letters

			companies_without_letters(self.get("collection_levels") or [], warn=True)

	def on_update(self):
		if self.has_value_changed("frappe_crm_bridge_off"):
			# Frappe CRM's side panel, field and form scripts follow the switch (frappe_crm/switch.py)
			from crm_pack.frappe_crm import switch

			switch.apply()
