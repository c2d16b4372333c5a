{% include "crm_pack/public/js/analytics_reports.js" %}

frappe.query_reports["ABC Analysis"] = { filters: [], onload: (report) => crm_pack.analytics_report_onload(report) };
