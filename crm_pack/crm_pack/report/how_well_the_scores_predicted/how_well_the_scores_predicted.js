// How Well the Scores Predicted: a CRM Manager may apply the suggested threshold, never silently.
frappe.query_reports["How Well the Scores Predicted"] = {
	filters: [
		{
			fieldname: "score",
			label: __("Score"),
			fieldtype: "Select",
			options: [
				{ value: "Churn Risk", label: __("Churn Risk") },
				{ value: "Payment Reliability", label: __("Payment Reliability") },
				{ value: "ABC Tier", label: __("ABC Tier") },
				{ value: "Lifetime Value", label: __("Lifetime Value") },
			],
			default: "Churn Risk",
			reqd: 1,
		},
		{
			fieldname: "min_precision",
			label: __("Suggest at Precision (%)"),
			fieldtype: "Int",
			default: 50,
			description: __("The suggested threshold catches the most while at least this share of those it flags had the outcome"),
		},
	],
	onload(report) {
		if (!frappe.user.has_role("CRM Manager")) return;
		report.page.add_inner_button(__("Apply Suggested Threshold"), () => {
			const score = report.get_filter_value("score");
			const min_precision = report.get_filter_value("min_precision");
			frappe.confirm(__("Set the {0} threshold in CRM Pack Settings to the value this backtest suggests?", [__(score)]), () =>
				frappe
					.call({
						method: "crm_pack.api.backtest.apply_suggestion",
						type: "POST",
						args: { score, min_precision },
					})
					.then((r) => {
						frappe.show_alert({ message: r.message.message, indicator: "green" });
						report.refresh();
					})
			);
		});
	},
};
