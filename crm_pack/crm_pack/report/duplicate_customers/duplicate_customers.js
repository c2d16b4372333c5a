frappe.query_reports["Duplicate Customers"] = {
	filters: [
		{
			fieldname: "threshold",
			label: __("Name Similarity (%)"),
			fieldtype: "Float",
			default: 90,
			description: __("Names at least this similar are listed; same tax ID, email or phone always are."),
		},
	],
	onload(report) {
		report.page.add_inner_button(__("Merge Selected Pair"), () => {
			const row = report.datatable && report.datatable.rowmanager.getCheckedRows().map((i) => report.data[i])[0];
			if (!row) {
				frappe.msgprint(__("Tick the pair to merge first."));
				return;
			}
			frappe.confirm(
				__("Merge {0} into {1}? Every order, invoice, payment and interaction of {0} moves to {1}; this cannot be undone.", [
					row.duplicate.bold(),
					row.keep.bold(),
				]),
				() =>
					frappe
						.call("crm_pack.api.duplicates.merge_customers", { keep: row.keep, duplicate: row.duplicate })
						.then(() => report.refresh())
			);
		});
	},
	get_datatable_options(options) {
		return Object.assign(options, { checkboxColumn: true });
	},
};
