{% include "crm_pack/public/js/analytics_reports.js" %}

frappe.query_reports["Churn Risk"] = {
	filters: [
		{
			fieldname: "level",
			label: __("Risk"),
			fieldtype: "Select",
			options: ["", "High", "Medium", "Low", "One-off", "New"],
			description: __("Empty: every level, highest risk first"),
		},
	],
	onload: (report) => crm_pack.analytics_report_onload(report),
};
