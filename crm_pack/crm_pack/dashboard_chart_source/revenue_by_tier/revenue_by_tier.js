frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Revenue by Tier"] = {
	method: "crm_pack.crm_pack.dashboard_chart_source.revenue_by_tier.revenue_by_tier.get",
	filters: [],
};
