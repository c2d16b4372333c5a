// The Gantt view is a list view: it only receives the list's fields. The plan's end
// (field_map.end in implementation_project_calendar.js) is not a list column, so it is
// asked for here; without it every project is drawn as a short dashed stub.
frappe.listview_settings["Implementation Project"] = {
	add_fields: [
		"gantt_start_date",
		"gantt_end_date",
		"planned_start_date",
		"planned_go_live_date",
		"actual_start_date",
		"actual_go_live_date",
		"health_score",
		"status",
	],
};
