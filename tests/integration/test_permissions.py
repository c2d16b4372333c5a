"""Who may read and write crm_pack's records."""

import frappe
import pytest

from tests.integration import factories

DOCTYPES = ("CRM Customer", "Customer Interaction", "Implementation Project")


@pytest.mark.parametrize(
	"user, doctype, ptype, allowed",
	[
		("crm.manager@crm-pack.test", "CRM Customer", "write", True),
		("crm.manager@crm-pack.test", "CRM Pack Settings", "write", True),
		("crm.user@crm-pack.test", "CRM Customer", "read", True),
		("crm.user@crm-pack.test", "CRM Customer", "create", False),
		("crm.user@crm-pack.test", "Customer Interaction", "create", True),
		("crm.user@crm-pack.test", "Implementation Project", "read", True),
		("crm.user@crm-pack.test", "Implementation Project", "write", False),
		("crm.user@crm-pack.test", "CRM Pack Settings", "write", False),
		("impl.manager@crm-pack.test", "Implementation Project", "create", True),
		("accounts.user@crm-pack.test", "CRM Customer", "read", True),
		("accounts.user@crm-pack.test", "CRM Customer", "write", False),
		("accounts.user@crm-pack.test", "Customer Interaction", "read", True),
		# collecting: calls, promises to pay, disputes
		("accounts.user@crm-pack.test", "Customer Interaction", "create", True),
		("accounts.user@crm-pack.test", "Customer Interaction", "delete", False),
	],
)
def test_role_permissions(user, doctype, ptype, allowed):
	assert frappe.has_permission(doctype, ptype, user=user) is allowed


@pytest.mark.parametrize("doctype", DOCTYPES)
def test_user_without_crm_roles_cannot_read(doctype):
	frappe.set_user("sales.only@crm-pack.test")
	assert not frappe.has_permission(doctype, "read")
	with pytest.raises(frappe.PermissionError):
		frappe.get_list(doctype, limit=1)


def test_summary_method_checks_permission():
	from crm_pack.api.ledger import get_customer_summary

	cust = factories.customer()
	frappe.set_user("sales.only@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		get_customer_summary(cust)
	frappe.set_user("accounts.user@crm-pack.test")
	assert get_customer_summary(cust)["customer"] == cust


def test_recompute_all_is_for_crm_managers_only():
	from crm_pack.api.ledger import recompute_all_customers

	frappe.set_user("crm.user@crm-pack.test")
	with pytest.raises(frappe.PermissionError):
		recompute_all_customers()
