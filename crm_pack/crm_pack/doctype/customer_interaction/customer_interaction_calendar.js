// Follow-ups on the calendar, on the day they are due.
frappe.views.calendar["Customer Interaction"] = {
	field_map: { start: "follow_up_date", end: "follow_up_date", id: "name", title: "subject" },
	filters: [{ fieldname: "follow_up_done", fieldtype: "Check", label: __("Follow-up Done") }],
};
