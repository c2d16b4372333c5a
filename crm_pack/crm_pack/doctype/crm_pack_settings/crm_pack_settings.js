// Whoever sets collections up picks a level's Dunning Type without holding rights on
// ERPNext's Dunning Type: the list comes from crm_pack (permission-checked there) and the
// desk's own link check, which asks for those rights, is skipped; the server still checks
// that the type exists when the settings are saved.
frappe.ui.form.on("CRM Pack Settings", {
	setup(frm) {
		frm.set_query("dunning_type", "collection_levels", () => ({
			query: "crm_pack.api.collections.dunning_types",
		}));
		const grid = frm.fields_dict.collection_levels.grid;
		grid.update_docfield_property("dunning_type", "ignore_link_validation", 1);
	},
});
