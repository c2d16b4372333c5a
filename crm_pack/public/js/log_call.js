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
						fieldtype: "MultiCheck",
						columns: 1,
						description: __(
							"Tick the invoices the promise or dispute is about. Amount: the part in question; empty for all it still owes."
						),
						depends_on: "eval:['Promised to Pay','Disputed'].includes(doc.outcome)",
						// shows the amount of each ticked invoice (a MultiCheck refreshes nothing itself)
						on_change: () => dialog.refresh_dependency(),
						options: invoices.map((inv) => ({
							label: `${inv.name} · ${frappe.datetime.str_to_user(inv.due_date)} · ${format_currency(
								inv.outstanding_amount,
								inv.currency
							)}`,
							value: inv.name,
						})),
					},
					// one amount per ticked invoice, stacked: a table is wider than a phone
					...invoices.map((inv, i) => ({
						fieldname: `part_${i}`,
						label: __("Amount of {0}", [inv.name]),
						fieldtype: "Currency",
						options: inv.currency,
						depends_on: `eval:['Promised to Pay','Disputed'].includes(doc.outcome) && (doc.invoices || []).includes(${JSON.stringify(
							inv.name
						)})`,
					})),
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
									? invoices
											.map((inv, i) => ({ sales_invoice: inv.name, amount: values[`part_${i}`] || null }))
											.filter((row) => (values.invoices || []).includes(row.sales_invoice))
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
