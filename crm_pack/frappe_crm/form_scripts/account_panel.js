// crm_pack: the customer's account from ERPNext in this document's side panel ("Customer
// Account"). Kept in place by crm_pack (crm_pack/frappe_crm/switch.py, which puts this
// function before each doctype's class); edits here are replaced on the next migrate. Read
// live on every render, never cached: Frappe CRM keeps one controller per document.
async function crmPackAccount(form, doctype) {
	if (!form.doc || form.doc.__newDocument || !form.doc.name) return null
	let account = null
	try {
		account = await call("crm_pack.api.frappe_crm.get_account", { doctype, name: form.doc.name })
	} catch (e) {
		account = null
	}
	const html = account && account.html
	form.setFieldProperty("crm_pack_account_section", "hidden", !html)
	if (html) form.setFieldHtml("crm_pack_account", html)
	return account
}
