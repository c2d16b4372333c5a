frappe.query_reports["Churn Risk"] = {
	filters: [
		{
			fieldname: "level",
			label: __("Risk"),
			fieldtype: "Select",
			options: ["", "High", "Medium", "Low", "One-off", "New"],
			description: __("Empty: High and Medium"),
		},
	],
};
