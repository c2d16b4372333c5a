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
			// set on load from the server: a collector with customers of their own starts
			// with them; managers, and collectors nobody assigned customers to, with everyone's
			default: 0,
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
		// the first filters come from the server (the workspace card opens the report with
		// the same answer); returned so the report runs once, with them
		const first_filters = frappe.xcall("crm_pack.api.collections.worklist_defaults").then((defaults) => {
			if (defaults.my_customers !== report.get_filter_value("my_customers")) {
				return report.set_filter_value("my_customers", defaults.my_customers);
			}
		});
		if (frappe.model.can_write("CRM Pack Settings")) {
			report.page.add_inner_button(__("Run Follow-ups Now"), () =>
				crm_pack.run_follow_ups_now(() => setTimeout(() => report.refresh(), 5000))
			);
		}
		// one delegated handler: the datatable redraws its cells on scroll and sort
		$(report.page.wrapper).on("click", ".crm-log-call", (e) => {
			const el = e.currentTarget;
			crm_pack.log_call(
				decodeURIComponent(el.dataset.customer),
				decodeURIComponent(el.dataset.company),
				() => report.refresh()
			);
		});
		return first_filters;
	},
};
