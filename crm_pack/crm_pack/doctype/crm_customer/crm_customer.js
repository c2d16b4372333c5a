{% include "crm_pack/public/js/log_call.js" %}

frappe.ui.form.on("CRM Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Customer"), () => frappe.set_route("Form", "Customer", frm.doc.customer), __("View"));
		frm.add_custom_button(
			__("Customer Ledger"),
			() => frappe.set_route("query-report", "CRM Customer Ledger", { customer: frm.doc.name }),
			__("View")
		);
		frm.add_custom_button(
			__("General Ledger"),
			() => frappe.set_route("query-report", "General Ledger", {
				party_type: "Customer",
				party: [frm.doc.customer],
				group_by: "Group by Voucher (Consolidated)",
			}),
			__("View")
		);
		frm.add_custom_button(
			__("Accounts Receivable"),
			() => frappe.set_route("query-report", "Accounts Receivable", { party_type: "Customer", party: [frm.doc.customer] }),
			__("View")
		);
		frm.add_custom_button(__("New Interaction"), () => {
			// saved from the quick entry, the user stays here and sees it in the 360 and timeline
			frappe.route_options = { customer: frm.doc.name };
			frappe.model.with_doctype("Customer Interaction", () =>
				frappe.ui.form.make_quick_entry("Customer Interaction", (doc) => {
					frappe.show_alert({ message: __("Interaction {0} logged", [doc.subject || doc.name]), indicator: "green" });
					frm.reload_doc();
				})
			);
		});
		if (frappe.model.can_create("Customer Interaction")) {
			frm.add_custom_button(__("Log Call"), () => crm_pack.log_call(frm.doc.name, null, () => frm.reload_doc()));
		}
		// the roles crm_pack/api/statements.py lets in (it checks the rest)
		if (frappe.user.has_role(["Accounts User", "Accounts Manager", "CRM User", "CRM Manager", "System Manager"])) {
			frm.add_custom_button(__("Send Statement"), () => crm_pack_statement_dialog(frm, "send"));
			frm.add_custom_button(__("Download Statement"), () => crm_pack_statement_dialog(frm, "download"), __("View"));
		}
		frappe
			.call("crm_pack.api.customer_360.get_customer_360", { customer: frm.doc.name })
			.then(({ message: c }) => {
				// server-rendered and escaped (crm_pack/api/customer_360.py, templates/customer_360.html)
				if (c) frm.dashboard.add_section(c.html, __("Customer 360"));
			});
		if (frm.doc.ledger_dirty) {
			frm.dashboard.set_headline(__("Figures are being recomputed from the ledger."), "orange");
		}
	},
});

// Statement of account (crm_pack/api/statements.py): company (only those with postings for
// the customer), period and, to send, the recipient; the sent statement is logged as an
// interaction on the timeline.
function crm_pack_statement_dialog(frm, mode) {
	frappe
		.call("crm_pack.api.statements.statement_options", { customer: frm.doc.name })
		.then(({ message: o }) => {
			if (!o.companies.length) {
				frappe.msgprint(__("This customer has no postings in any company you may see."));
				return;
			}
			// no outgoing email account: the collector hears it now and downloads instead
			const sending = mode === "send" && !o.no_email_account_message;
			const fields = [
				{ fieldname: "company", label: __("Company"), fieldtype: "Select", options: o.companies, default: o.company, reqd: 1 },
				{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: o.from_date, reqd: 1 },
				{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: o.to_date, reqd: 1 },
			];
			if (mode === "send" && o.no_email_account_message) {
				fields.unshift({
					fieldname: "no_email_account",
					fieldtype: "HTML",
					options: `<div class="alert alert-warning">${frappe.utils.escape_html(o.no_email_account_message)}</div>`,
				});
			}
			if (sending) {
				fields.push({ fieldname: "recipient", label: __("Recipient"), fieldtype: "Data", options: "Email", default: o.recipient, reqd: 1 });
				if (o.no_recipient_message) {
					fields.push({
						fieldname: "no_recipient",
						fieldtype: "HTML",
						options: `<div class="alert alert-warning">${frappe.utils.escape_html(o.no_recipient_message)}</div>`,
					});
				}
			}
			const dialog = new frappe.ui.Dialog({
				title: sending ? __("Send Statement") : __("Download Statement"),
				fields,
				primary_action_label: sending ? __("Send") : __("Download"),
				primary_action(values) {
					const args = { customer: frm.doc.name, ...values };
					if (!sending) {
						dialog.hide();
						window.open(`/api/method/crm_pack.api.statements.download_statement?${new URLSearchParams(args)}`);
						return;
					}
					frappe
						.call({ method: "crm_pack.api.statements.send_statement", type: "POST", args, freeze: true })
						.then(({ message: r }) => {
							dialog.hide();
							frappe.show_alert({ message: r.message, indicator: "green" }, 7);
							frm.reload_doc();
						});
				},
			});
			dialog.show();
		});
}

// Percentages to one decimal ("83.3%"), not the site's float precision ("83.333%").
frappe.ui.form.on("CRM Customer", {
	setup(frm) {
		for (const df of frm.meta.fields) {
			if (df.fieldtype === "Percent" && !df.precision) frm.set_df_property(df.fieldname, "precision", "1");
		}
	},
});
