// The Gantt view is a list view: it only receives the list's fields. The plan's end
// (field_map.end in implementation_project_calendar.js) is not a list column, so it is
// asked for here; without it every project is drawn as a short dashed stub. The Kanban
// view skips the list's columns too, so the card's customer is asked for here as well.
frappe.listview_settings["Implementation Project"] = {
	add_fields: [
		"customer",
		"customer_name",
		"method",
		"current_phase",
		"gantt_start_date",
		"gantt_end_date",
		"planned_start_date",
		"planned_go_live_date",
		"actual_start_date",
		"actual_go_live_date",
		"health_score",
		"status",
	],
	refresh(listview) {
		// frappe's Kanban hides the board when it has no card and shows nothing instead
		if (listview.view_name !== "Kanban" || !listview.$no_result) return;
		// the board's own filter (every project, or one method's) is not the user's
		const own = ((listview.board && listview.board.filters_array) || []).length;
		const filtered = ((listview.filter_area && listview.filter_area.get().length) || 0) > own;
		const message = filtered
			? __("No implementation projects match these filters.")
			: __("No implementation projects yet. Each project appears here in the column of its current phase.");
		const button = frappe.model.can_create("Implementation Project")
			? `<p><button class="btn btn-default btn-sm crm-new-project">${__("New Implementation Project")}</button></p>`
			: "";
		listview.$no_result
			.html(`<div class="msg-box no-border crm-empty-board"><p>${message}</p>${button}</div>`)
			.toggle(!listview.data.length);
		listview.$no_result.find(".crm-new-project").on("click", () => frappe.new_doc("Implementation Project"));
	},
};
