frappe.ui.form.on("Implementation Project", {
	setup(frm) {
		frm.set_query("sales_order", () => ({ filters: { customer: frm.doc.customer, docstatus: 1 } }));
	},
});
