"""What crm_pack takes away when it is uninstalled: everything it created, nothing else.

frappe itself drops crm_pack's doctypes and what carries its module (workspace, reports,
cards, charts). Before that, `before_uninstall` removes what the site made *about*
crm_pack's doctypes, records and roles in frappe's and ERPNext's own tables. Those rows
are found from the site's DocType meta, not from a hand list, so a table a newer frappe
adds (or another app's) is covered too:

- a Dynamic Link whose doctype is one of ours (ToDo, Comment, Version, Notification Log,
  DocShare, Document Follow, Energy Point Log, a Contact's links, a Communication's
  timeline links, …);
- a Link to DocType naming one of ours (Custom Field, Property Setter, Kanban Board,
  Tag Link, User Permission, Email Queue, Report, Print Format, …), and by name where
  frappe keeps it in a plain field (Deleted Document, Custom DocPerm, List View Settings,
  Route History);
- a Link to one of our doctypes, or to one of our roles (Has Role, Custom DocPerm, …).

How such a row goes follows how frappe deletes one document (frappe.model.delete_doc):
a frappe record about our doctypes or records is deleted with its child rows, and so is a
role in a list of roles or a permission rule. A row that belongs to the site whatever it
points at (a Communication, an Activity Log, a mailbox, a user, a workflow's states) keeps
its row and loses the pointer, as does every record of ERPNext or another app: it is the
business's document that merely mentions ours. Communications are never deleted; their
timeline links to our records are.

frappe's own uninstall then writes a Deleted Document for every doctype, module record
and report it removes; `after_uninstall` takes those away as well, so that a reinstall
starts from the site as it was before the first install.
"""

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Count

ROLES = ("CRM Manager", "CRM User", "Implementation Manager")
MODULE = "CRM Pack"
# frappe records that belong to the site whatever they point at (the mail, the log, the
# mailbox, the people): only the pointer goes, as frappe does for Communication
KEEP_ROW = {"Communication", "Activity Log", "Email Account", "IMAP Folder", "User", "User Type"}
# a workflow's states and transitions are its structure: a role in them is unlinked, so the
# documents in that state keep it and the workflow asks for a new role when next saved
KEEP_ROW |= {"Workflow Document State", "Workflow Transition"}
# the rows that define our doctypes; frappe's uninstall deletes them with the doctypes
OWN_DEFINITIONS = {"DocField", "DocPerm", "DocType Link", "DocType Action", "DocType State"}
# records frappe's uninstall deletes (and files as Deleted Document) because they carry our module
MODULE_RECORDS = (
	"Workspace",
	"Report",
	"Page",
	"Web Form",
	"Number Card",
	"Dashboard Chart",
	"Print Format",
	"Dashboard Chart Source",
	"Module Onboarding",
	"Onboarding Step",
	"Form Tour",
)


def before_uninstall() -> None:
	from crm_pack.setup.complaint_agreement import remove_complaint_sla
	from crm_pack.setup.phase_boards import remove_desk_records

	remove_complaint_sla()
	remove_desk_records()
	from crm_pack.frappe_crm import switch

	if switch.installed():
		switch.teardown()  # Frappe CRM stays: its records lose crm_pack's panel and scripts
	remove_references(our_doctypes(), ROLES)
	for role in ROLES:
		if frappe.db.exists("Role", role):
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True, delete_permanently=True)
	jobs = frappe.get_all("Scheduled Job Type", {"method": ("like", "crm_pack.%")}, pluck="name")
	if jobs:
		frappe.db.delete("Scheduled Job Log", {"scheduled_job_type": ("in", jobs)})
		frappe.db.delete("Scheduled Job Type", {"name": ("in", jobs)})
	# install marks every patch as run; a reinstall marks them again
	frappe.db.delete("Patch Log", {"patch": ("like", "crm_pack.%")})
	frappe.db.delete("__UserSettings", {"doctype": ("in", our_doctypes())})
	frappe.flags.crm_pack_doctypes = our_doctypes()
	frappe.clear_cache()


def after_uninstall() -> None:
	"""The Deleted Document entries frappe's uninstall wrote for our doctypes and module."""
	doctypes = frappe.flags.pop("crm_pack_doctypes", None) or []
	dd = frappe.qb.DocType("Deleted Document")
	gone = [
		(dd.deleted_doctype == "Module Def") & (dd.deleted_name == MODULE),
		dd.deleted_doctype.isin(MODULE_RECORDS) & dd.data.like(f'%"module": "{MODULE}"%'),
	]
	if doctypes:
		gone.append((dd.deleted_doctype == "DocType") & dd.deleted_name.isin(doctypes))
	frappe.qb.from_(dd).delete().where(Criterion.any(gone)).run()
	frappe.db.commit()


def our_doctypes() -> list[str]:
	return frappe.get_all("DocType", {"module": MODULE}, pluck="name")


def remove_references(doctypes: list[str], roles: tuple[str, ...]) -> dict[str, int]:
	"""Deletes or unlinks every row outside our doctypes that points at them, at a record of
	theirs or at one of our roles. Returns the rows deleted per table."""
	ours = set(doctypes)
	frappe_modules = set(frappe.get_module_list("frappe"))
	deleted = {}
	for meta in _tables(ours):
		table = frappe.qb.DocType(meta.name)
		frappes = meta.module in frappe_modules and meta.name not in KEEP_ROW
		to_delete = []
		for condition, fields, kind in _pointers(meta, ours, roles):
			if meta.name in OWN_DEFINITIONS:
				# our doctypes' own definition rows go with the doctypes (frappe's uninstall)
				condition = condition & table.parent.notin(doctypes)
			# a role is deleted from a list of roles or a permission rule, unlinked elsewhere
			if kind == "row of ours" or (
				frappes and (kind == "doctype" or meta.istable or meta.name == "Custom DocPerm")
			):
				to_delete.append(condition)
			elif fields:
				query = frappe.qb.update(table).where(condition)
				for field in fields:
					query = query.set(table[field], None)
				query.run()
		if to_delete:
			deleted[meta.name] = _delete_rows(meta, Criterion.any(to_delete))
	# a File deleted through its document makes v16 note "Attachment Removed" on the record
	# it was attached to: a comment on one of ours, written after the Comment table was swept
	if doctypes:
		frappe.db.delete("Comment", {"reference_doctype": ("in", doctypes)})
	# a Custom DocPerm's doctype is its `parent`, a plain field the meta does not link
	frappe.db.delete("Custom DocPerm", {"parent": ("in", doctypes)})
	frappe.db.delete("Deleted Document", {"deleted_doctype": ("in", doctypes)})
	for name in doctypes:
		frappe.db.delete("List View Settings", {"name": name})
		frappe.db.delete("Route History", {"route": ("like", f"app/{frappe.scrub(name).replace('_', '-')}%")})
	return deleted


def _delete_rows(meta, where) -> int:
	table = frappe.qb.DocType(meta.name)
	if meta.name == "File":
		# through the document, so the file on disk goes too
		names = frappe.qb.from_(table).select(table.name).where(where).run(pluck=True)
		for name in names:
			frappe.delete_doc("File", name, ignore_permissions=True, force=True, delete_permanently=True)
		return len(names)
	names = frappe.qb.from_(table).select(table.name).where(where)
	for child in {df.options for df in meta.get_table_fields()}:
		c = frappe.qb.DocType(child)
		frappe.qb.from_(c).delete().where((c.parenttype == meta.name) & c.parent.isin(names)).run()
	count = frappe.qb.from_(table).select(Count("*")).where(where).run()[0][0]
	frappe.qb.from_(table).delete().where(where).run()
	return count


def _tables(ours: set[str]):
	"""The meta of every table-backed doctype that is not ours."""
	existing = set(frappe.db.get_tables())
	for name in frappe.get_all("DocType", {"issingle": 0, "is_virtual": 0}, pluck="name"):
		if name not in ours and f"tab{name}" in existing:
			yield frappe.get_meta(name)


def _pointers(meta, ours: set[str], roles: tuple[str, ...]) -> list[tuple]:
	"""(condition, fields that hold the pointer, kind) for each way `meta`'s rows can point at us."""
	table = frappe.qb.DocType(meta.name)
	doctypes = list(ours)
	columns = set(frappe.db.get_table_columns(meta.name))
	found = []
	for df in meta.get_link_fields() + meta.get_dynamic_link_fields():
		if df.fieldname not in columns:
			continue
		if df.fieldtype == "Dynamic Link":
			if df.options in columns:
				found.append((table[df.options].isin(doctypes), [df.options, df.fieldname], "doctype"))
		elif df.options == "DocType":
			fields = [df.fieldname]
			# a Dynamic Link that takes its doctype from this field loses its name too
			fields += [d.fieldname for d in meta.get_dynamic_link_fields() if d.options == df.fieldname]
			found.append((table[df.fieldname].isin(doctypes), fields, "doctype"))
		elif df.options in ours:
			found.append((table[df.fieldname].isnotnull(), [df.fieldname], "doctype"))
		elif df.options == "Role" and roles:
			found.append((table[df.fieldname].isin(list(roles)), [df.fieldname], "role"))
	if meta.istable and "parenttype" in columns:
		# a row of a table on one of our records, whichever app's child table it is
		found.append((table.parenttype.isin(doctypes), [], "row of ours"))
	return found
