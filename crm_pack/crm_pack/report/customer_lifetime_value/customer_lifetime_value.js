{% include "crm_pack/public/js/analytics_reports.js" %}

frappe.query_reports["Customer Lifetime Value"] = {
	filters: [{ fieldname: "abc_tier", label: __("Tier"), fieldtype: "Select", options: ["", "A", "B", "C"] }],
	onload: (report) => crm_pack.analytics_report_onload(report),
};
