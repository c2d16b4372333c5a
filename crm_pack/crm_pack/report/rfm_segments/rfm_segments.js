frappe.query_reports["RFM Segments"] = {
	filters: [{ fieldname: "segment", label: __("Segment"), fieldtype: "Data" }],
};
