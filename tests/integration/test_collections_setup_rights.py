"""Who sets collections up: a CRM Manager or an Accounts Manager opens CRM Pack Settings
and picks each level's Dunning Type, without holding rights on ERPNext's Dunning Type;
a collector or a sales rep cannot list them through crm_pack."""

import frappe
import pytest

from crm_pack.api.collections import dunning_types
from tests.integration.collections_setup import dunning_type


@pytest.fixture
def as_user():
	yield frappe.set_user
	frappe.set_user("Administrator")


@pytest.mark.parametrize("user", ["crm.manager@crm-pack.test", "accounts.manager@crm-pack.test"])
def test_a_manager_sets_a_levels_dunning_type(as_user, user):
	name = dunning_type()
	as_user(user)
	assert not frappe.has_permission("Dunning Type", "select") or user.startswith("accounts")
	offered = [row[0] for row in dunning_types("Dunning Type", "CRM Pack Test", "name", 0, 20)]
	assert name in offered

	settings = frappe.get_doc("CRM Pack Settings")
	settings.collections_enabled = 1
	settings.set(
		"collection_levels",
		[
			{"days_overdue": 1, "title": "Friendly reminder", "channel": "Email"},
			{"days_overdue": 30, "title": "Formal letter", "channel": "Letter", "dunning_type": name},
		],
	)
	settings.save()
	frappe.set_user("Administrator")
	saved = frappe.get_doc("CRM Pack Settings")
	assert [(lvl.days_overdue, lvl.dunning_type) for lvl in saved.collection_levels] == [
		(1, None),
		(30, name),
	]


@pytest.mark.parametrize("user", ["accounts.user@crm-pack.test", "crm.sales@crm-pack.test"])
def test_others_cannot_list_dunning_types_through_crm_pack(as_user, user):
	dunning_type()
	as_user(user)
	with pytest.raises(frappe.PermissionError):
		dunning_types("Dunning Type", "", "name", 0, 20)
	assert not frappe.has_permission("CRM Pack Settings", "write")
