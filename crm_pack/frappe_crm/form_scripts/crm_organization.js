class CRMOrganization {
	async onRender() {
		await crmPackAccount(this, "CRM Organization")
	}
}
