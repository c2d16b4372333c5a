// Calendar and Gantt views of projects: from the actual start (else the planned start)
// to the actual go-live (else the planned go-live), kept in gantt_start_date and
// gantt_end_date by the controller; dragging a bar moves the plan.
frappe.views.calendar["Implementation Project"] = {
	field_map: {
		start: "gantt_start_date",
		end: "gantt_end_date",
		id: "name",
		title: "project_name",
		progress: "health_score",
	},
	gantt: true,
};
