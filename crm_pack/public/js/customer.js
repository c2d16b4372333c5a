// ERPNext's Customer form: the customer 360 (ledger figures, tier, value, risk, latest
// interactions, open projects) from one call, and the CRM record one click away.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		// Users without access to CRM records see the form exactly as ERPNext shows it.
		if (frm.is_new() || !frappe.model.can_read("CRM Customer")) return;
		if (frappe.model.can_create("Customer Interaction")) {
			// quick entry: channel, type, subject and follow-up date in a dialog, without leaving the customer
			frm.add_custom_button(__("Log Interaction"), () => crm_pack_log_interaction(frm));
		}
		frappe
			.call({
				// nothing (and no dialog) for a customer this user may not see in CRM
				method: "crm_pack.api.customer_360.for_customer_form",
				args: { customer: frm.doc.name },
			})
			.then(({ message: c }) => {
				if (!c) return;
				const s = c.profile;
				const money = (v) => format_currency(v, s.currency);
				frm.dashboard.add_indicator(__("Outstanding: {0}", [money(s.outstanding_amount)]), s.outstanding_amount > 0 ? "orange" : "green");
				if (s.overdue_amount > 0) {
					frm.dashboard.add_indicator(__("Overdue: {0}", [money(s.overdue_amount)]), "red");
				}
				// server-rendered and escaped (crm_pack/api/customer_360.py, templates/customer_360.html)
				frm.dashboard.add_section(c.html, __("Customer 360"));
				frm.add_custom_button(__("CRM Customer"), () => frappe.set_route("Form", "CRM Customer", frm.doc.name), __("View"));
			})
			.catch(() => {});
	},
});

// The quick entry saves and stays on the customer (frappe's default opens the new
// interaction's form): the 360's latest interactions and the timeline show it at once.
function crm_pack_log_interaction(frm) {
	frappe.route_options = { customer: frm.doc.name };
	frappe.model.with_doctype("Customer Interaction", () =>
		frappe.ui.form.make_quick_entry("Customer Interaction", (doc) => {
			frappe.show_alert({ message: __("Interaction {0} logged", [doc.subject || doc.name]), indicator: "green" });
			frm.reload_doc();
		})
	);
}
