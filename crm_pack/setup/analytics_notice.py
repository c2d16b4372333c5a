"""The CRM workspace's notice while the customer analytics have not run yet: the tier and
churn cards and the Revenue by Tier chart are empty then, not zero, and the notice says
why and offers a CRM Manager Run Analytics Now. A Custom HTML Block (frappe's workspace
block; not module JSON), made on install and migrate, removed on uninstall. Once the
analytics have run, the block hides itself."""

import frappe

NAME = "CRM Pack Analytics Notice"

HTML = '<div class="crm-analytics-notice"></div>'
STYLE = """
.crm-analytics-notice { display: flex; align-items: center; gap: var(--padding-md);
	padding: var(--padding-sm) var(--padding-md); border-radius: var(--border-radius-md);
	background: var(--bg-yellow); color: var(--text-on-yellow); }
.crm-analytics-notice p { margin: 0; flex: 1; }
"""
SCRIPT = """
const box = root_element.querySelector(".crm-analytics-notice");
const block = root_element.host && root_element.host.closest(".ce-block");
frappe.call({ method: "crm_pack.api.analytics.status", type: "GET" }).then(({ message: s }) => {
	if (!s || !s.message) {
		if (block && !frappe.workspace_edit_mode) block.style.display = "none";
		return;
	}
	const p = document.createElement("p");
	p.textContent = s.message;
	box.appendChild(p);
	if (!s.can_run) return;
	const button = document.createElement("button");
	button.className = "btn btn-sm btn-primary";
	button.textContent = __("Run Analytics Now");
	button.onclick = () =>
		frappe.call({ method: "crm_pack.api.analytics.run_now", type: "POST" }).then(
			(r) => r.message && frappe.show_alert({ message: r.message.message, indicator: "blue" })
		);
	box.appendChild(button);
});
"""


def ensure() -> None:
	values = {"html": HTML, "style": STYLE, "script": SCRIPT, "private": 0}
	if frappe.db.exists("Custom HTML Block", NAME):
		doc = frappe.get_doc("Custom HTML Block", NAME)
		if any(doc.get(k) != v for k, v in values.items()):
			doc.update(values)
			doc.save(ignore_permissions=True)
		return
	frappe.get_doc({"doctype": "Custom HTML Block", **values}).insert(ignore_permissions=True, set_name=NAME)


def remove() -> None:
	if frappe.db.exists("Custom HTML Block", NAME):
		frappe.delete_doc("Custom HTML Block", NAME, ignore_permissions=True, delete_permanently=True)
