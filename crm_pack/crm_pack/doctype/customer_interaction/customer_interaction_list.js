frappe.listview_settings["Customer Interaction"] = {
	add_fields: ["follow_up_date", "follow_up_done", "status", "interaction_type"],
	get_indicator(doc) {
		if (doc.follow_up_date && !doc.follow_up_done && doc.follow_up_date < frappe.datetime.get_today()) {
			return [__("Follow-up overdue"), "red", "follow_up_done,=,0|follow_up_date,is,set|follow_up_date,<,Today"];
		}
		if (doc.follow_up_date && !doc.follow_up_done) {
			return [__("Follow-up {0}", [frappe.datetime.str_to_user(doc.follow_up_date)]), "orange", "follow_up_done,=,0"];
		}
		const colors = { Open: "blue", Replied: "cyan", "On Hold": "yellow", Resolved: "green", Closed: "gray" };
		// the status in its doctype's sense: frappe v15 renders a bare "Open" as 开 (switch on)
		return [__(doc.status, null, "Customer Interaction"), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
