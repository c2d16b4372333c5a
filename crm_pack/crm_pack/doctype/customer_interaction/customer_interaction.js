frappe.ui.form.on("Customer Interaction", {
	setup(frm) {
		frm.set_query("reference_doctype", () => ({
			filters: { name: ["in", ["Sales Order", "Sales Invoice", "Implementation Project"]] },
		}));
		frm.set_query("reference_name", () => ({ filters: { customer: frm.doc.customer } }));
	},
});
