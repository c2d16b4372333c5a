frappe.query_reports["ABC Analysis"] = { filters: [] };
