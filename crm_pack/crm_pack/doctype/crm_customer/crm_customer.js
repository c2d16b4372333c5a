frappe.ui.form.on("CRM Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Customer"), () => frappe.set_route("Form", "Customer", frm.doc.customer), __("View"));
		frm.add_custom_button(
			__("Customer Ledger"),
			() => frappe.set_route("query-report", "CRM Customer Ledger", { customer: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("General Ledger"),
			() => frappe.set_route("query-report", "General Ledger", {
				party_type: "Customer",
				party: [frm.doc.customer],
				group_by: "Group by Voucher (Consolidated)",
			}),
			__("View")
		);
		frm.add_custom_button(
			__("Accounts Receivable"),
			() => frappe.set_route("query-report", "Accounts Receivable", { party_type: "Customer", party: [frm.doc.customer] }),
			__("View")
		);
		frm.add_custom_button(__("New Interaction"), () => {
			// saved from the quick entry, the user stays here and sees it in the 360 and timeline
			frappe.route_options = { customer: frm.doc.name };
			frappe.model.with_doctype("Customer Interaction", () =>
				frappe.ui.form.make_quick_entry("Customer Interaction", (doc) => {
					frappe.show_alert({ message: __("Interaction {0} logged", [doc.subject || doc.name]), indicator: "green" });
					frm.reload_doc();
				})
			);
		});
		frappe
			.call("crm_pack.api.customer_360.get_customer_360", { customer: frm.doc.name })
			.then(({ message: c }) => {
				// server-rendered and escaped (crm_pack/api/customer_360.py, templates/customer_360.html)
				if (c) frm.dashboard.add_section(c.html, __("Customer 360"));
			});
		if (frm.doc.ledger_dirty) {
			frm.dashboard.set_headline(__("Figures are being recomputed from the ledger."), "orange");
		}
	},
});

// Percentages to one decimal ("83.3%"), not the site's float precision ("83.333%").
frappe.ui.form.on("CRM Customer", {
	setup(frm) {
		for (const df of frm.meta.fields) {
			if (df.fieldtype === "Percent" && !df.precision) frm.set_df_property(df.fieldname, "precision", "1");
		}
	},
});
