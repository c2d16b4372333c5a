frappe.query_reports["Customer Lifetime Value"] = {
	filters: [{ fieldname: "abc_tier", label: __("Tier"), fieldtype: "Select", options: ["", "A", "B", "C"] }],
};
