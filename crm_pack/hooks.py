app_name = "crm_pack"
app_title = "CRM Pack"
app_publisher = "crm_pack developers"
app_description = (
	"Customer relationships inside ERPNext: customer records, interactions, implementation projects"
)
app_email = "crm_pack@example.com"
app_license = "MIT"
# "org/repo" form: a bare "erpnext" makes install-app look the org up on GitHub.
required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

after_install = "crm_pack.setup.install.after_install"
after_migrate = "crm_pack.setup.install.after_migrate"
before_uninstall = "crm_pack.setup.uninstall.before_uninstall"
after_uninstall = "crm_pack.setup.uninstall.after_uninstall"
# Frappe CRM (frappe/crm) installed or uninstalled beside crm_pack: the bridge follows
# (crm_pack/frappe_crm/switch.py); any other app is ignored.
after_app_install = "crm_pack.frappe_crm.switch.after_app_install"
before_app_uninstall = "crm_pack.frappe_crm.switch.before_app_uninstall"

# Records crm_pack ships that users do not edit; frappe imports them on install and migrate.
fixtures = [
	{"dt": "Role", "filters": [["name", "in", ["CRM Manager", "CRM User", "Implementation Manager"]]]},
]

# Shows the CRM record and its figures on ERPNext's Customer form.
doctype_js = {"Customer": "public/js/customer.js"}

override_doctype_dashboards = {
	"Customer": "crm_pack.overrides.customer.get_dashboard_data",
}

# Personal data deletion (frappe's Personal Data Deletion Request): the person's name and
# email are redacted from every interaction's text, whoever logged it.
user_data_fields = [
	{"doctype": "Customer Interaction", "strict": True, "partial": True},
]

# A CRM User sees the customers they own or are on the team of (permissions.py).
permission_query_conditions = {
	"CRM Customer": "crm_pack.permissions.customer_conditions",
	"Customer Interaction": "crm_pack.permissions.interaction_conditions",
	"Implementation Project": "crm_pack.permissions.project_conditions",
}
has_permission = {
	"CRM Customer": "crm_pack.permissions.has_customer_permission",
	"Customer Interaction": "crm_pack.permissions.has_interaction_permission",
	"Implementation Project": "crm_pack.permissions.has_project_permission",
}

# One door per ERPNext doctype crm_pack listens to: crm_pack/overrides/<doctype>.py.
# The ledger announces, the domains above listen (crm_pack/ledger/announce.py): the ledger
# imports none of them
crm_pack_ledger_records_missing = ["crm_pack.relationship.records.ensure_for_customers"]
crm_pack_ledger_figures_written = ["crm_pack.credit_control.sequence.after_figures_written"]
crm_pack_ledger_changed_unwritten = ["crm_pack.analytics.basis.mark_changed"]

doc_events = {
	"Customer": {
		"after_insert": "crm_pack.overrides.customer.after_insert",
		"on_update": "crm_pack.overrides.customer.on_update",
		"after_rename": "crm_pack.overrides.customer.after_rename",
		"on_trash": "crm_pack.overrides.customer.on_trash",
	},
	"Contact": {
		"on_update": "crm_pack.overrides.contact.on_update",
		"after_delete": "crm_pack.overrides.contact.after_delete",
	},
	"Address": {
		"on_update": "crm_pack.overrides.address.on_update",
		"after_delete": "crm_pack.overrides.address.after_delete",
	},
	"Sales Order": {
		"before_submit": "crm_pack.overrides.sales_order.before_submit",
		"on_submit": "crm_pack.overrides.sales_order.on_submit",
		"on_cancel": "crm_pack.overrides.sales_order.on_cancel",
		"on_update_after_submit": "crm_pack.overrides.sales_order.on_update_after_submit",
		"on_change": "crm_pack.overrides.sales_order.on_change",
	},
	"Sales Invoice": {
		"on_submit": "crm_pack.overrides.sales_invoice.on_submit",
		"on_cancel": "crm_pack.overrides.sales_invoice.on_cancel",
		"on_update_after_submit": "crm_pack.overrides.sales_invoice.on_update_after_submit",
	},
	"Delivery Note": {
		"on_submit": "crm_pack.overrides.delivery_note.on_submit",
		"on_cancel": "crm_pack.overrides.delivery_note.on_cancel",
	},
	"Payment Entry": {
		"on_submit": "crm_pack.overrides.payment_entry.on_submit",
		"on_cancel": "crm_pack.overrides.payment_entry.on_cancel",
		"on_update_after_submit": "crm_pack.overrides.payment_entry.on_update_after_submit",
	},
	"Journal Entry": {
		"on_submit": "crm_pack.overrides.journal_entry.on_submit",
		"on_cancel": "crm_pack.overrides.journal_entry.on_cancel",
		"on_update_after_submit": "crm_pack.overrides.journal_entry.on_update_after_submit",
	},
	"Unreconcile Payment": {
		"before_submit": "crm_pack.overrides.unreconcile_payment.before_submit",
		"on_submit": "crm_pack.overrides.unreconcile_payment.on_submit",
	},
	# every posting for a customer, whatever posted it (reconciliation, reposts, revaluation)
	"GL Entry": {
		"on_submit": "crm_pack.overrides.gl_entry.on_submit",
	},
	"Payment Ledger Entry": {
		"after_insert": "crm_pack.overrides.payment_ledger_entry.after_insert",
		"on_submit": "crm_pack.overrides.payment_ledger_entry.on_submit",
	},
	"Communication": {
		"after_insert": "crm_pack.overrides.communication.after_insert",
	},
	# Frappe CRM's organization, where that app is installed (never fires without it)
	"CRM Organization": {
		"after_rename": "crm_pack.frappe_crm.identity.organization_renamed",
		"on_trash": "crm_pack.frappe_crm.identity.organization_deleted",
	},
}

additional_timeline_content = {
	"CRM Customer": [
		"crm_pack.interactions.timeline.ledger_documents",
		"crm_pack.interactions.timeline.interactions",
		# Frappe CRM's notes, calls and tasks on the customer's deals (where that app is installed)
		"crm_pack.frappe_crm.timeline.activities",
	],
	"Customer": ["crm_pack.interactions.timeline.interactions", "crm_pack.frappe_crm.timeline.activities"],
}

scheduler_events = {
	"cron": {
		# Customers whose figures could not be refreshed at once (ledger/refresh.py).
		"*/5 * * * *": ["crm_pack.ledger.refresh.recompute_dirty_job"],
	},
	"hourly": [
		# complaint service levels: warn CRM Managers before a target falls due, and at breach
		"crm_pack.interactions.service_levels.escalate",
	],
	"daily": [
		"crm_pack.interactions.follow_ups.remind_due_follow_ups",
		# stale customers and data-quality scores
		"crm_pack.relationship.data_quality.recompute_all_job",
		# scheduled statements of account: due schedules queue their customers in chunks
		"crm_pack.credit_control.statement_schedules.run_due_schedules",
	],
	"daily_long": [
		# payment follow-up levels, Dunnings, reminders; promises kept or broken (when enabled)
		"crm_pack.credit_control.follow_up_run.daily_job",
		# Overdue amounts change with the calendar, not with documents.
		"crm_pack.ledger.refresh.recompute_all_job",
		# ABC tiers, lifetime value, churn risk, RFM and share of wallet for every customer.
		"crm_pack.analytics.nightly.recompute_all_job",
		# how well the scores predicted: the last 12 month-ends replayed, weekly and after a month-end
		"crm_pack.analytics.backtest.nightly_job",
		# So do schedule slip and adoption of implementation projects.
		"crm_pack.crm_pack.doctype.implementation_project.implementation_project.refresh_active_projects",
	],
}

# The Print Format "CRM Statement of Account" reads its figures through this (credit_control).
jinja = {"methods": ["crm_pack.credit_control.statements.statement_for_print"]}
