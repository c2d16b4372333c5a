frappe.ui.form.on("Implementation Project", {
	setup(frm) {
		frm.set_query("sales_order", () => ({ filters: { customer: frm.doc.customer, docstatus: 1 } }));
	},
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.open_high_risks) {
			frm.dashboard.set_headline(
				__("{0} open high risks. Health {1}%: {2}", [frm.doc.open_high_risks, frm.doc.health_score, frm.doc.health_reasons]),
				"red"
			);
		}
		frm.add_custom_button(__("Refresh Health"), () =>
			frappe
				.call("crm_pack.crm_pack.doctype.implementation_project.implementation_project.refresh_health", { name: frm.doc.name })
				.then(() => frm.reload_doc())
		);
		frm.add_custom_button(__("Portfolio"), () => frappe.set_route("query-report", "Implementation Portfolio"), __("View"));
	},
});
