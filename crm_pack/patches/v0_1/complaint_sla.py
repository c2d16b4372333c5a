from crm_pack.setup.install import ensure_complaint_sla


def execute():
	ensure_complaint_sla()
