// Follow-ups on the calendar, on the day they are due. A follow-up date has no time, so
// each is an all-day event: the rows carry no `all_day` field, and frappe's calendar then
// takes field_map.allDay itself (truthy) as the event's allDay, instead of drawing a
// midnight "12a - 2a" slot.
frappe.views.calendar["Customer Interaction"] = {
	field_map: { start: "follow_up_date", end: "follow_up_date", id: "name", title: "subject", allDay: "all_day" },
	filters: [{ fieldname: "follow_up_done", fieldtype: "Check", label: __("Follow-up Done") }],
};
