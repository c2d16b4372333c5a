// ERPNext's Customer form: the CRM record one click away, with its ledger figures.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		// Users without access to CRM records see the form exactly as ERPNext shows it.
		if (frm.is_new() || !frappe.model.can_read("CRM Customer")) return;
		if (frappe.model.can_create("Customer Interaction")) {
			// quick entry: channel, type, subject and follow-up date in a dialog, without leaving the customer
			frm.add_custom_button(__("Log Interaction"), () =>
				frappe.new_doc("Customer Interaction", { customer: frm.doc.name })
			);
		}
		frappe
			.call("crm_pack.api.ledger.get_customer_summary", { customer: frm.doc.name })
			.then(({ message: s }) => {
				if (!s) return;
				const money = (v) => format_currency(v, s.currency);
				frm.dashboard.add_indicator(__("Outstanding: {0}", [money(s.outstanding_amount)]), s.outstanding_amount > 0 ? "orange" : "green");
				if (s.overdue_amount > 0) {
					frm.dashboard.add_indicator(__("Overdue: {0}", [money(s.overdue_amount)]), "red");
				}
				frm.add_custom_button(__("CRM Customer"), () => frappe.set_route("Form", "CRM Customer", frm.doc.name), __("View"));
			});
	},
});
