"""One module per ERPNext (or frappe) doctype crm_pack listens to, named after it; each
handler is thin and calls the domain."""
