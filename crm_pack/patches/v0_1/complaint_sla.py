from crm_pack.install import ensure_complaint_sla


def execute():
	ensure_complaint_sla()
