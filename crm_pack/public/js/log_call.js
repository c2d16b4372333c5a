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
						depends_on: "eval:doc.outcome=='Promised to Pay'",
						mandatory_depends_on: "eval:doc.outcome=='Promised to Pay'",
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
						label: __("Disputed Invoices"),
						fieldtype: "MultiCheck",
						depends_on: "eval:doc.outcome=='Disputed'",
						options: invoices.map((inv) => ({
							label: `${inv.name} · ${inv.company} · ${frappe.datetime.str_to_user(inv.due_date)} · ${format_currency(
								inv.outstanding_amount,
								inv.currency
							)}`,
							value: inv.name,
						})),
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
								invoices: values.outcome === "Disputed" ? values.invoices || [] : [],
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
