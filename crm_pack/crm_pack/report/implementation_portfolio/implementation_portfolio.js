frappe.query_reports["Implementation Portfolio"] = {
	filters: [
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", "Planning", "In Progress", "On Hold", "Live", "Completed", "Cancelled"],
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "CRM Customer" },
		{ fieldname: "project_manager", label: __("Project Manager"), fieldtype: "Link", options: "User" },
	],
};
