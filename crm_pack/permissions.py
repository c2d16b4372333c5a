"""Record-level access: a CRM User sees the customers they own, collect or are on the team of, and
those customers' interactions and projects (plus interactions they handle and projects
they work on). Managers see everything; accountants read every customer's figures and interactions
(they collect: calls, promises, disputes, statements).

The same rule feeds lists, reports, link search and REST (permission_query_conditions)
and forms and whitelisted methods (has_permission), so no path sees more than another."""

import frappe
from frappe.query_builder import DocType

# roles that see every record of a doctype; anyone else reaching it holds only CRM User
UNRESTRICTED = {
	"CRM Customer": {
		"System Manager",
		"CRM Manager",
		"Accounts User",
		"Accounts Manager",
		"Implementation Manager",
	},
	# accountants chase payments: they log calls, promises and disputes and see complaints
	"Customer Interaction": {
		"System Manager",
		"CRM Manager",
		"Implementation Manager",
		"Accounts User",
		"Accounts Manager",
	},
	"Implementation Project": {"System Manager", "CRM Manager", "Implementation Manager"},
}

CRM_MANAGERS = {"CRM Manager", "System Manager"}


def require_crm_manager(message: str) -> None:
	"""Site-wide actions (recompute everyone, merge customers, …) are for CRM Managers;
	`message` is the caller's translated refusal."""
	if not CRM_MANAGERS & set(frappe.get_roles()):
		frappe.throw(message, frappe.PermissionError)


def is_restricted(doctype: str, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if user == "Administrator":
		return False
	return not (UNRESTRICTED[doctype] & set(frappe.get_roles(user)))


def visible_customers(user: str):
	"""Subquery: the CRM Customers this user owns, collects (chases their payments) or is on
	the team of."""
	CRM, TEAM = DocType("CRM Customer"), DocType("CRM Customer Team Member")
	return (
		frappe.qb.from_(CRM)
		.select(CRM.name)
		.where(
			(CRM.relationship_owner == user)
			| (CRM.collector == user)
			| CRM.name.isin(
				frappe.qb.from_(TEAM)
				.select(TEAM.parent)
				.where((TEAM.user == user) & (TEAM.parenttype == "CRM Customer"))
			)
		)
	)


def _criterion(doctype: str, user: str):
	customers = visible_customers(user)
	if doctype == "CRM Customer":
		return DocType("CRM Customer").name.isin(customers)
	if doctype == "Customer Interaction":
		INTERACTION = DocType("Customer Interaction")
		return (
			INTERACTION.customer.isin(customers)
			| (INTERACTION.handled_by == user)
			| (INTERACTION.owner == user)
		)
	PROJECT, MEMBER = DocType("Implementation Project"), DocType("Implementation Project Member")
	return (
		PROJECT.customer.isin(customers)
		| (PROJECT.project_manager == user)
		| PROJECT.name.isin(
			frappe.qb.from_(MEMBER)
			.select(MEMBER.parent)
			.where((MEMBER.user == user) & (MEMBER.parenttype == "Implementation Project"))
		)
	)


def _conditions(doctype: str, user: str | None) -> str:
	user = user or frappe.session.user
	if not is_restricted(doctype, user):
		return ""
	# built by frappe.qb, values quoted by it; frappe's hook contract is a WHERE fragment
	return f"({_criterion(doctype, user).get_sql(quote_char='`', with_namespace=True)})"


def customer_conditions(user: str | None = None) -> str:
	return _conditions("CRM Customer", user)


def interaction_conditions(user: str | None = None) -> str:
	return _conditions("Customer Interaction", user)


def project_conditions(user: str | None = None) -> str:
	return _conditions("Implementation Project", user)


def _can_see_customer(customer: str | None, user: str) -> bool:
	if not customer:
		return True  # a new record with no customer chosen yet
	return bool(visible_customers(user).where(DocType("CRM Customer").name == customer).run())


def has_customer_permission(doc, ptype=None, user=None, debug=False):
	user = user or frappe.session.user
	if not is_restricted("CRM Customer", user):
		return True  # v16 reads None as "deny": say "no objection" (roles still decide)
	return bool(
		doc.relationship_owner == user
		or doc.get("collector") == user
		or any(row.user == user for row in doc.get("team") or [])
	)


def has_interaction_permission(doc, ptype=None, user=None, debug=False):
	"""Same rule as the list: the customer is theirs, or they handle or logged it."""
	user = user or frappe.session.user
	if not is_restricted("Customer Interaction", user):
		return True
	# being the creator counts only once the record exists: a new interaction must be for
	# one of their customers or handled by them
	logged_it = not doc.is_new() and doc.get("owner") == user
	return bool(logged_it or doc.get("handled_by") == user or _can_see_customer(doc.customer, user))


def has_project_permission(doc, ptype=None, user=None, debug=False):
	user = user or frappe.session.user
	if not is_restricted("Implementation Project", user):
		return True
	if doc.get("project_manager") == user or any(m.user == user for m in doc.get("team") or []):
		return True
	return _can_see_customer(doc.customer, user)
