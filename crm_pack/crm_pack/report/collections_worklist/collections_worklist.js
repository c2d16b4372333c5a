{% include "crm_pack/public/js/log_call.js" %}

frappe.query_reports["Collections Worklist"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			description: __("Empty: every company you may see, one row per customer and company"),
		},
		{
			fieldname: "my_customers",
			label: __("My Customers"),
			fieldtype: "Check",
			// a collector or account owner starts with their own list; managers with everyone's
			default: ["Accounts Manager", "CRM Manager", "System Manager"].some((r) => frappe.user.has_role(r)) ? 0 : 1,
		},
		{ fieldname: "collector", label: __("Collector"), fieldtype: "Link", options: "User" },
		{ fieldname: "level", label: __("Follow-up Level"), fieldtype: "Int" },
	],
	formatter(value, row, column, data, default_formatter) {
		if (column.fieldname === "log_call" && data && data.customer) {
			if (!frappe.model.can_create("Customer Interaction")) return "";
			return `<button class="btn btn-xs btn-default crm-log-call" data-customer="${encodeURIComponent(
				data.customer
			)}" data-company="${encodeURIComponent(data.company || "")}">${__("Log Call")}</button>`;
		}
		return default_formatter(value, row, column, data);
	},
	onload(report) {
		// one delegated handler: the datatable redraws its cells on scroll and sort
		$(report.page.wrapper).on("click", ".crm-log-call", (e) => {
			const el = e.currentTarget;
			crm_pack.log_call(
				decodeURIComponent(el.dataset.customer),
				decodeURIComponent(el.dataset.company),
				() => report.refresh()
			);
		});
	},
};
