// Seeded phase names, checklist items and risks are stored in the method's English
// (crm_pack/projects/rules/method.py), which is their translation key: each reader sees
// them in their language until someone edits them, and then as typed.
const SEEDED_TEXTS = {
	"Implementation Project": ["current_phase"],
	"Implementation Project Phase": ["phase_name"],
	"Implementation Project Gate Item": ["phase_name", "item"],
	"Implementation Project Risk": ["risk"],
};

function translate_seeded_texts() {
	for (const [doctype, fieldnames] of Object.entries(SEEDED_TEXTS)) {
		for (const fieldname of fieldnames) {
			const df = frappe.meta.docfield_map[doctype] && frappe.meta.docfield_map[doctype][fieldname];
			if (df) df.formatter = (value) => (value ? __(value) : value);
		}
	}
}

frappe.ui.form.on("Implementation Project", {
	setup(frm) {
		translate_seeded_texts();
		// Shown through the formatter (the reader's language, as the phase board's columns);
		// an input would show the stored English. The phases table and the board move it.
		frm.set_df_property("current_phase", "read_only", 1);
		frm.set_df_property(
			"current_phase",
			"description",
			__("Follows the phases: set a phase's status below, or move the card on the Implementation Phases board.")
		);
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
