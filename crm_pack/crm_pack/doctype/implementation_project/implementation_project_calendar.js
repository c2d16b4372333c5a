// Calendar and Gantt views of projects, from planned start to planned go-live.
frappe.views.calendar["Implementation Project"] = {
	field_map: {
		start: "planned_start_date",
		end: "planned_go_live_date",
		id: "name",
		title: "project_name",
		progress: "health_score",
	},
	gantt: true,
};
