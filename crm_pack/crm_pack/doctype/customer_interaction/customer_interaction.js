frappe.ui.form.on("Customer Interaction", {
	setup(frm) {
		frm.set_query("reference_doctype", () => ({
			filters: { name: ["in", ["Sales Order", "Sales Invoice", "Implementation Project"]] },
		}));
		frm.set_query("reference_name", () => ({ filters: { customer: frm.doc.customer } }));
	},
	onload(frm) {
		// ERPNext narrows these pickers only while Support Settings tracks agreements (for
		// Issues); complaints run on their agreement either way, so narrow them here too.
		if (!frm.doc.service_level_agreement) return;
		frappe.call({
			method: "crm_pack.interactions.sla_engine.agreement_choices",
			args: { name: frm.doc.service_level_agreement, customer: frm.doc.customer },
			callback(r) {
				if (!r.message) return;
				frm.set_query("priority", () => ({ filters: { name: ["in", r.message.priority] } }));
				frm.set_query("service_level_agreement", () => ({
					filters: { name: ["in", r.message.service_level_agreements] },
				}));
			},
		});
	},
});
