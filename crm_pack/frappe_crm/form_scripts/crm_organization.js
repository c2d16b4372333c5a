// crm_pack: the customer's account from ERPNext in this Organization's side panel ("Customer
// Account"). Kept in place by crm_pack (crm_pack/frappe_crm/switch.py); edits here are
// replaced on the next migrate. Read live on every render, never cached.
class CRMOrganization {
	async onRender() {
		if (!this.doc || this.doc.__newDocument || !this.doc.name) return
		let account = null
		try {
			account = await call("crm_pack.api.frappe_crm.get_account", {
				doctype: "CRM Organization",
				name: this.doc.name,
			})
		} catch (e) {
			account = null
		}
		const html = account && account.html
		this.setFieldProperty("crm_pack_account_section", "hidden", !html)
		if (html) this.setFieldHtml("crm_pack_account", html)
	}
}
