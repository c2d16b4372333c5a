// crm_pack: the customer's account from ERPNext in this Deal's side panel ("Customer
// Account"), and a won deal's Implementation Project. Kept in place by crm_pack
// (crm_pack/frappe_crm/switch.py); edits here are replaced on the next migrate. Read live on
// every render, never cached.
class CRMDeal {
	async onRender() {
		if (!this.doc || this.doc.__newDocument || !this.doc.name) return
		let account = null
		try {
			account = await call("crm_pack.api.frappe_crm.get_account", {
				doctype: "CRM Deal",
				name: this.doc.name,
			})
		} catch (e) {
			account = null
		}
		const html = account && account.html
		this.setFieldProperty("crm_pack_account_section", "hidden", !html)
		if (html) this.setFieldHtml("crm_pack_account", html)
		this.crmPackProjectAction(account || {})
	}

	crmPackProjectAction(account) {
		const start = __("Start Implementation Project")
		const open = __("Open Implementation Project")
		this.actions = (this.actions || []).filter((a) => a.label !== start && a.label !== open)
		if (account.implementation_project) {
			const url = account.implementation_project_url
			this.actions.push({ label: open, onClick: () => window.open(url, "_blank") })
		} else if (account.can_start_project) {
			this.actions.push({
				label: start,
				onClick: () =>
					call("crm_pack.api.frappe_crm.start_implementation_project", { deal: this.doc.name })
						.then((project) => {
							toast.success(__("Implementation Project {0} started", [project.name]))
							this.crmPackProjectAction({
								implementation_project: project.name,
								implementation_project_url: project.url,
							})
							window.open(project.url, "_blank")
						})
						.catch((e) => toast.error((e.messages && e.messages[0]) || __("Could not start the project"))),
			})
		}
	}
}
