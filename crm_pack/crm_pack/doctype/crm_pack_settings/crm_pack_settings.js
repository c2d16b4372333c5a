// Whoever sets collections up picks a level's Dunning Type without holding rights on
// ERPNext's Dunning Type: the list comes from crm_pack (permission-checked there) and the
// desk's own link check, which asks for those rights, is skipped; the server still checks
// that the type exists when the settings are saved.
frappe.ui.form.on("CRM Pack Settings", {
	setup(frm) {
		frm.set_query("dunning_type", "collection_levels", () => ({
			query: "crm_pack.api.collections.dunning_types",
		}));
	},
	refresh(frm) {
		// the grid exists once the form is drawn (not yet at setup)
		frm.fields_dict.collection_levels.grid.update_docfield_property("dunning_type", "ignore_link_validation", 1);
		if (frm.doc.collections_enabled && !frm.is_dirty()) {
			frm.add_custom_button(__("Run Follow-ups Now"), () =>
				frappe
					.xcall("crm_pack.api.collections.run_follow_ups_now", {}, "POST")
					.then((r) => frappe.show_alert({ message: r.message, indicator: "green" }, 7))
			);
			frm.add_custom_button(__("Collections Worklist"), () =>
				frappe.set_route("query-report", "Collections Worklist")
			);
		}
	},
	// crm_pack/frappe_crm/identity.py: anchor the organizations that existed before the bridge
	link_frappe_crm_organizations(frm) {
		frappe.call({
			method: "crm_pack.api.frappe_crm.link_existing_organizations",
			type: "POST",
			freeze: true,
			callback: ({ message }) => {
				if (!message) return;
				const left = Object.keys(message.ambiguous || {});
				frappe.msgprint(
					__("{0} organizations linked to their customers.", [message.linked]) +
						(left.length
							? "<br>" +
							  __("More than one customer fits, link by hand: {0}", [
									left.map((o) => frappe.utils.escape_html(o)).join(", "),
							  ])
							: "")
				);
			},
		});
	},
});
