frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Interactions by Channel"] = {
	method: "crm_pack.crm_pack.dashboard_chart_source.interactions_by_channel.interactions_by_channel.get",
	filters: [],
};
