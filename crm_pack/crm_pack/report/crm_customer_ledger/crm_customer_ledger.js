frappe.query_reports["CRM Customer Ledger"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		// one customer per run: the report reads only that customer's postings
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "CRM Customer", reqd: 1 },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
			reqd: 1,
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
		{ fieldname: "range", label: __("Ageing Range"), fieldtype: "Data", default: "30, 60, 90, 120" },
	],
	onload(report) {
		// CRM Customer shows its title in links, so a customer set from the route (View ›
		// Customer Ledger, or ?customer=X) reaches the filter's input only once its title
		// has been fetched, and the report reads filters from the inputs: the first run
		// went without the customer. frappe waits for the promise returned here before
		// that first run, so put the title (and with it the name) in place first.
		const filter = report.get_filter("customer");
		const name = filter && filter.value;
		if (!name || filter.get_value() === name) return;
		return Promise.resolve(
			frappe.utils.get_link_title("CRM Customer", name) ||
				frappe.utils.fetch_link_title("CRM Customer", name)
		).then((title) => filter.translate_and_set_input_value(title || name, name));
	},
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		return data && data.bold ? value.bold() : value;
	},
};
