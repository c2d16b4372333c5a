"""What crm_pack adds to a site on install and keeps in place on every migrate.

crm_pack adds no custom fields to ERPNext doctypes: the CRM record is its own doctype
linked by the Customer's name. Its roles ship as fixtures (crm_pack/fixtures), which
frappe imports on install and migrate. Its default complaint service level (a CRM
Service Level) is made here once; the one ERPNext record it may create — a weekend
holiday list, when the company has none — is removed by `uninstall`.
"""

import frappe


def after_install() -> None:
	ensure_crm_customers_for_all()
	ensure_complaint_sla()
	ensure_desk_records()
	from crm_pack.credit_control.defaults import seed_levels

	seed_levels()
	# Figures for existing customers, set-based, committed in batches.
	from crm_pack.ledger.refresh import recompute_all

	recompute_all(commit=True)
	from crm_pack.relationship import data_quality

	data_quality.recompute()
	ensure_frappe_crm_bridge(link_existing=True)
	frappe.db.commit()


def after_migrate() -> None:
	ensure_desk_records()
	ensure_frappe_crm_bridge()


def ensure_frappe_crm_bridge(link_existing: bool = False) -> None:
	"""Frappe CRM's extension points where that app is installed and the bridge is on, none
	where it is off (crm_pack/frappe_crm/switch.py); nothing where Frappe CRM is absent."""
	from crm_pack.frappe_crm import identity, switch

	switch.apply()
	if link_existing and switch.active():
		identity.link_existing()


def ensure_desk_records() -> None:
	"""Kanban boards of implementation phases (workspace and cards ship as module files)."""
	from crm_pack.setup.phase_boards import ensure_desk_records as ensure

	ensure()


def ensure_complaint_sla() -> None:
	"""The default complaint service level, crm_pack's own (also a patch)."""
	from crm_pack.setup.complaint_agreement import ensure_complaint_sla as ensure

	ensure()


def ensure_crm_customers_for_all() -> None:
	"""A CRM Customer for every Customer that lacks one (also a patch)."""
	from crm_pack.relationship.records import ensure_for_customers

	ensure_for_customers()
