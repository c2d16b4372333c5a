{% include "crm_pack/public/js/log_call.js" %}

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
		frm.add_custom_button(__("New Interaction"), () =>
			frappe.new_doc("Customer Interaction", { customer: frm.doc.name })
		);
		if (frappe.model.can_create("Customer Interaction")) {
			frm.add_custom_button(__("Log Call"), () => crm_pack.log_call(frm.doc.name, null, () => frm.reload_doc()));
		}
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
