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

after_install = "crm_pack.install.after_install"
after_migrate = "crm_pack.install.after_migrate"
before_uninstall = "crm_pack.install.before_uninstall"

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

# A CRM User sees the customers they own or are on the team of (services/record_access.py).
permission_query_conditions = {
	"CRM Customer": "crm_pack.services.record_access.customer_conditions",
	"Customer Interaction": "crm_pack.services.record_access.interaction_conditions",
	"Implementation Project": "crm_pack.services.record_access.project_conditions",
}
has_permission = {
	"CRM Customer": "crm_pack.services.record_access.has_customer_permission",
	"Customer Interaction": "crm_pack.services.record_access.has_interaction_permission",
	"Implementation Project": "crm_pack.services.record_access.has_project_permission",
}

doc_events = {
	"Customer": {
		"after_insert": "crm_pack.overrides.customer.after_insert",
		"on_update": "crm_pack.overrides.customer.on_update",
		"after_rename": "crm_pack.overrides.customer.after_rename",
		"on_trash": "crm_pack.overrides.customer.on_trash",
	},
	"Sales Order": {
		"on_submit": "crm_pack.overrides.ledger_events.refresh_customers",
		"on_cancel": "crm_pack.overrides.ledger_events.refresh_customers",
		"on_update_after_submit": "crm_pack.overrides.ledger_events.refresh_customers",
		# Closing and reopening set the status with db_set, which fires only on_change.
		"on_change": "crm_pack.overrides.ledger_events.refresh_on_order_closing",
	},
	"Sales Invoice": {
		"on_submit": "crm_pack.overrides.ledger_events.refresh_customers",
		"on_cancel": [
			"crm_pack.overrides.ledger_events.refresh_customers",
			# a cancelled credit note no longer costs the complaint it came from
			"crm_pack.services.complaint_costs.on_document_cancelled",
		],
		"on_update_after_submit": "crm_pack.overrides.ledger_events.refresh_customers",
	},
	"Delivery Note": {
		"on_cancel": "crm_pack.services.complaint_costs.on_document_cancelled",
	},
	# emails to and from customers become interactions
	"Communication": {
		"after_insert": "crm_pack.services.email_interactions.on_communication_insert",
	},
	# ERPNext accepts negative targets; an agreement for interactions must not
	"Service Level Agreement": {
		"validate": "crm_pack.services.service_levels.validate_targets",
	},
	"Payment Entry": {
		"on_submit": "crm_pack.overrides.ledger_events.refresh_customers",
		"on_cancel": "crm_pack.overrides.ledger_events.refresh_customers",
		"on_update_after_submit": "crm_pack.overrides.ledger_events.refresh_customers",
	},
	"Journal Entry": {
		"on_submit": "crm_pack.overrides.ledger_events.refresh_customers",
		"on_cancel": "crm_pack.overrides.ledger_events.refresh_customers",
		"on_update_after_submit": "crm_pack.overrides.ledger_events.refresh_customers",
	},
	"Unreconcile Payment": {
		"on_submit": "crm_pack.overrides.ledger_events.refresh_customers",
	},
}

additional_timeline_content = {
	"CRM Customer": [
		"crm_pack.services.timeline.ledger_documents",
		"crm_pack.services.timeline.interactions",
	],
	"Customer": ["crm_pack.services.timeline.interactions"],
}

scheduler_events = {
	"cron": {
		# Customers whose figures could not be refreshed at once (see ledger_sync).
		"*/5 * * * *": ["crm_pack.services.ledger_sync.recompute_dirty"],
	},
	"hourly": [
		# complaint service levels: warn CRM Managers before a target falls due, and at breach
		"crm_pack.services.service_levels.escalate",
	],
	"daily": [
		"crm_pack.services.follow_ups.remind_due_follow_ups",
		# stale customers and data-quality scores
		"crm_pack.services.data_quality.recompute_all_job",
	],
	"daily_long": [
		# Overdue amounts change with the calendar, not with documents.
		"crm_pack.services.ledger_sync.recompute_all_job",
		# ABC tiers, lifetime value, churn risk, RFM and share of wallet for every customer.
		"crm_pack.services.analytics_sync.recompute_all_job",
		# So do schedule slip and adoption of implementation projects.
		"crm_pack.crm_pack.doctype.implementation_project.implementation_project.refresh_active_projects",
	],
}
