// Included by the analytics reports' scripts (ABC, lifetime value, churn, RFM): a CRM
// Manager can start the analytics now instead of waiting for the night.
frappe.provide("crm_pack");

crm_pack.analytics_report_onload = function (report) {
	if (!frappe.user.has_role("CRM Manager")) return;
	report.page.add_inner_button(__("Run Analytics Now"), () => {
		frappe
			.call({ method: "crm_pack.api.analytics.run_now", type: "POST" })
			.then((r) => r.message && frappe.show_alert({ message: r.message.message, indicator: "blue" }));
	});
};
