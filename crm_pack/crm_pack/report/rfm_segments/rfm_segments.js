{% include "crm_pack/public/js/analytics_reports.js" %}

frappe.query_reports["RFM Segments"] = {
	filters: [{ fieldname: "segment", label: __("Segment"), fieldtype: "Data" }],
	onload: (report) => crm_pack.analytics_report_onload(report),
};
