frappe.query_reports["Staff Scorecard"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			// the last month, as ERPNext's reports default (this month is one day long on the 1st)
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "user", label: __("User"), fieldtype: "Link", options: "User" },
	],
	onload(report) {
		// The chart counts things: frappe's axis formatter rounds fractional ticks of small
		// counts ("1, 1, 0.5, 0, 0"); a count axis labels whole numbers only.
		const chart_options = report.get_chart_options.bind(report);
		report.get_chart_options = (data) => {
			const options = chart_options(data);
			options.axisOptions = {
				...options.axisOptions,
				numberFormatter: (value) => (Number.isInteger(Number(value)) ? String(value) : ""),
			};
			return options;
		};
	},
};
