frappe.ui.form.on("Customer Interaction", {
	setup(frm) {
		frm.set_query("reference_doctype", () => ({
			filters: { name: ["in", ["Sales Order", "Sales Invoice", "Implementation Project"]] },
		}));
		frm.set_query("reference_name", () => ({ filters: { customer: frm.doc.customer } }));
	},
	refresh(frm) {
		show_follow_up_assignment(frm);
		add_first_response_button(frm);
		show_service_level(frm);
	},
	onload(frm) {
		// the service level's own priorities and the service levels this customer may take
		if (!frm.doc.service_level_agreement) return;
		frappe.call({
			method: "crm_pack.interactions.sla_engine.agreement_choices",
			args: { name: frm.doc.service_level_agreement, customer: frm.doc.customer },
			callback(r) {
				if (!r.message) return;
				frm.set_df_property("priority", "options", ["", ...r.message.priority]);
				frm.set_query("service_level_agreement", () => ({
					filters: { name: ["in", r.message.service_level_agreements] },
				}));
			},
		});
	},
});

// The follow-up's ToDo is named by a hash: the link reads as whom it is assigned to and
// when it is due (the ToDo is the handler's, dated the follow-up date).
function show_follow_up_assignment(frm) {
	const todo = frm.doc.follow_up_todo;
	if (!todo) return;
	const due = frm.doc.follow_up_date ? frappe.datetime.str_to_user(frm.doc.follow_up_date) : "";
	let label = __("Assigned to {0}, due {1}", [frappe.user.full_name(frm.doc.handled_by), due]);
	if (frm.doc.follow_up_done) label += ` (${__("Done")})`;
	frappe.utils.add_link_title("ToDo", todo, label);
	frm.refresh_field("follow_up_todo");
}

// A phone complaint answered on the phone: the first response is stamped by the service
// level clock when the status leaves Open (sla_engine.py), here in one click.
function add_first_response_button(frm) {
	const d = frm.doc;
	if (frm.is_new() || d.interaction_type !== "Complaint" || d.status !== "Open") return;
	if (d.first_responded_on || !frm.perm[0] || !frm.perm[0].write) return;
	frm.add_custom_button(__("Record First Response"), () => {
		frm.set_value("status", "Replied");
		frm.save().then(() =>
			frappe.show_alert({
				message: __("First response recorded: {0}", [frappe.datetime.str_to_user(frm.doc.first_responded_on)]),
				indicator: "green",
			})
		);
	});
	frm.change_custom_button_type(__("Record First Response"), null, "primary");
}

// Where the service-level clock stands, above the form (ERPNext's engine drew this headline
// for the doctypes it served; the clock is crm_pack's now, sla_engine.py).
function show_service_level(frm) {
	const d = frm.doc;
	if (frm.is_new() || !d.service_level_agreement || !d.agreement_status) return;
	const at = (value) => frappe.datetime.str_to_user(value);
	const late = (value) => value && frappe.datetime.str_to_obj(value) < new Date();
	let message, colour;
	if (d.on_hold_since) {
		[message, colour] = [__("Service level paused since {0}", [at(d.on_hold_since)]), "orange"];
	} else if (d.agreement_status === "First Response Due") {
		[message, colour] = [
			__("First response due by {0}", [at(d.response_by)]),
			late(d.response_by) ? "red" : "blue",
		];
	} else if (d.agreement_status === "Resolution Due") {
		[message, colour] = [
			__("Resolution due by {0}", [at(d.sla_resolution_by)]),
			late(d.sla_resolution_by) ? "red" : "blue",
		];
	} else if (d.agreement_status === "Fulfilled") {
		[message, colour] = [__("Service level met"), "green"];
	} else {
		[message, colour] = [__("Service level missed"), "red"];
	}
	frm.dashboard.clear_headline();
	// frappe's layout shows it in a block of that colour (as HTML: escape the dates' text)
	frm.dashboard.set_headline_alert(frappe.utils.escape_html(message), colour);
}
