// A won deal's Implementation Project, beside the account (account_panel.js).
class CRMDeal {
	async onRender() {
		const account = await crmPackAccount(this, "CRM Deal")
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
