import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime

from crm_pack.relationship.rules.record_checks import check_customer
from crm_pack.utils import rendered_texts as texts
from crm_pack.utils.validation import throw_problems


class CRMCustomer(Document):
	# Virtual fields: the texts are stored as codes (crm_pack/texts.py) and rendered here
	# for whoever reads the record, so a Chinese and an English user each read their own.
	@property
	def churn_risk_reason(self) -> str:
		return texts.render(self.churn_risk_reason_codes)

	@property
	def clv_explanation(self) -> str:
		return texts.render(self.clv_explanation_codes)

	@property
	def data_quality_missing(self) -> str:
		return texts.render(self.data_quality_missing_codes, texts.list_separator())

	def onload(self):
		# a run rewrites only the rows whose figures moved, and keeps when it brought everyone
		# up to date once (analytics/nightly.py _stamp): the form shows that time
		if self.analytics_updated_on:
			from crm_pack.analytics.nightly import last_run_on

			last = last_run_on()
			if last and last > get_datetime(self.analytics_updated_on):
				self.analytics_updated_on = last

	def validate(self):
		throw_problems(
			check_customer(
				name=None if self.is_new() else self.name,
				customer=self.customer,
				satisfaction=self.satisfaction_score,
				estimated_annual_spend=self.estimated_annual_spend,
				referred_by=self.referred_by,
			)
		)

	def on_update(self):
		# owner and team changes move the data-quality score; a few indexed reads
		from crm_pack.relationship import data_quality

		data_quality.recompute([self.name])
		# written by bulk update: the saved form shows the new score without a reload; the
		# score is computed, not this save's change, so the version leaves it out
		fresh = frappe.db.get_value("CRM Customer", self.name, data_quality.FIELDS, as_dict=True) or {}
		self.update(fresh)
		if self.get_doc_before_save():
			self.get_doc_before_save().update(fresh)
		self._tell_referrers()
		if not self.flags.in_insert and self.has_value_changed("abc_tier"):
			# set by hand: tonight's analytics write the computed tier back. Not db_set: on
			# insert it loads the stored row as "before save", and the version of the insert
			# then read "changed Satisfaction ... from 0 to null" (stored 0, unsaved None)
			frappe.db.set_value(
				"CRM Customer", self.name, "analytics_scores_digest", "", update_modified=False
			)
		if not self.flags.in_insert and self._basis_changed():
			# the same for a basis figure written through the API: the next re-read writes
			# it back instead of finding its digest unchanged
			frappe.db.set_value(
				"CRM Customer", self.name, "analytics_basis_digest", "", update_modified=False
			)

	def _basis_changed(self) -> bool:
		from crm_pack.analytics.basis import DIGESTED

		return any(self.has_value_changed(f) for f in DIGESTED)

	def _tell_referrers(self):
		# a referrer's lifetime value includes a share of the customers it referred
		if self.has_value_changed("referred_by"):
			from crm_pack.analytics import basis

			before = self.get_doc_before_save()
			referrers = [r for r in (self.referred_by, before and before.referred_by) if r]
			if referrers:
				basis.mark_changed(referrers)

	def on_trash(self):
		if frappe.flags.crm_pack_deleting_customer != self.name and frappe.db.exists(
			"Customer", self.customer
		):
			frappe.throw(
				_(
					"CRM Customer {0} belongs to Customer {0}: delete the Customer and its CRM record goes with it."
				).format(frappe.bold(self.name)),
				title=_("Not deleted"),
			)
