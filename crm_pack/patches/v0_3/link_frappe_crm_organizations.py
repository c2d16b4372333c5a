"""Sites that already ran Frappe CRM beside crm_pack: put the bridge's extension points in
place and anchor each existing organization on its customer, once (frappe_crm/identity.py;
only where exactly one customer fits). Nothing to do where Frappe CRM is not installed."""

from crm_pack.frappe_crm import identity, switch


def execute():
	if not switch.active():
		return
	switch.setup()
	identity.link_existing()
