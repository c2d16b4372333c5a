// Included by the Collections Worklist and the CRM Customer form: one dialog logs a
// collection call's outcome as a Customer Interaction (crm_pack/api/collections.py).
frappe.provide("crm_pack");

crm_pack.log_call = function (customer, company, after) {
	frappe
		.call({ method: "crm_pack.api.collections.log_call_options", args: { customer, company: company || null } })
		.then(({ message: options }) => {
			const invoices = options.invoices || [];
			const dialog = new frappe.ui.Dialog({
				title: __("Log Call: {0}", [customer]),
				fields: [
					{
						fieldname: "outcome",
						label: __("Outcome"),
						fieldtype: "Select",
						reqd: 1,
						options: options.outcomes,
					},
					{
						fieldname: "company",
						label: __("Company"),
						fieldtype: "Link",
						options: "Company",
						default: options.company,
						read_only: company ? 1 : 0,
						mandatory_depends_on: "eval:['Promised to Pay','Disputed'].includes(doc.outcome)",
					},
					{ fieldname: "note", label: __("Note"), fieldtype: "Small Text" },
					{
						fieldname: "promised_amount",
						label: __("Promised Amount"),
						fieldtype: "Currency",
						description: __("Empty: what the ticked invoices still owe (or the parts entered)"),
						depends_on: "eval:doc.outcome=='Promised to Pay'",
					},
					{
						fieldname: "promised_date",
						label: __("Promised For"),
						fieldtype: "Date",
						depends_on: "eval:doc.outcome=='Promised to Pay'",
						mandatory_depends_on: "eval:doc.outcome=='Promised to Pay'",
					},
					{
						fieldname: "invoices",
						label: __("Invoices"),
						fieldtype: "Table",
						description: __(
							"Tick the invoices the promise or dispute is about. Amount: the part in question; empty for all it still owes."
						),
						depends_on: "eval:['Promised to Pay','Disputed'].includes(doc.outcome)",
						cannot_add_rows: true,
						cannot_delete_rows: true,
						in_place_edit: true,
						data: invoices.map((inv) => ({
							sales_invoice: inv.name,
							due_date: inv.due_date,
							currency: inv.currency,
							outstanding_amount: inv.outstanding_amount,
						})),
						fields: [
							{ fieldname: "sales_invoice", label: __("Invoice"), fieldtype: "Data", read_only: 1, in_list_view: 1, columns: 3 },
							{ fieldname: "due_date", label: __("Due Date"), fieldtype: "Date", read_only: 1, in_list_view: 1, columns: 2 },
							{
								fieldname: "outstanding_amount",
								label: __("Outstanding"),
								fieldtype: "Currency",
								options: "currency",
								read_only: 1,
								in_list_view: 1,
								columns: 2,
							},
							{ fieldname: "amount", label: __("Amount"), fieldtype: "Currency", options: "currency", in_list_view: 1, columns: 2 },
							{ fieldname: "currency", fieldtype: "Link", options: "Currency", hidden: 1 },
						],
					},
				],
				primary_action_label: __("Log Call"),
				primary_action(values) {
					frappe
						.call({
							method: "crm_pack.api.collections.log_call",
							type: "POST",
							args: {
								customer,
								company: values.company || null,
								outcome: values.outcome,
								note: values.note || null,
								promised_amount: values.promised_amount || null,
								promised_date: values.promised_date || null,
								invoices: ["Promised to Pay", "Disputed"].includes(values.outcome)
									? dialog.fields_dict.invoices.grid
											.get_selected_children()
											.map((row) => ({ sales_invoice: row.sales_invoice, amount: row.amount || null }))
									: [],
							},
							freeze: true,
						})
						.then(({ message: r }) => {
							dialog.hide();
							frappe.show_alert({
								message: __("Call logged: {0}", [
									`<a href="${frappe.utils.get_form_link("Customer Interaction", r.name)}">${frappe.utils.escape_html(
										r.name
									)}</a>`,
								]),
								indicator: "green",
							});
							if (after) after(r);
						});
				},
			});
			dialog.show();
		});
};

// The daily follow-up run, at once (for whoever sets collections up; the server checks)
crm_pack.run_follow_ups_now = function (after) {
	frappe
		.xcall("crm_pack.api.collections.run_follow_ups_now", {}, "POST")
		.then((r) => {
			frappe.show_alert({ message: r.message, indicator: "green" }, 7);
			if (after) after(r);
		});
};
