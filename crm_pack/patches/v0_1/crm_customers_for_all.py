from crm_pack.setup.install import ensure_crm_customers_for_all


def execute():
	ensure_crm_customers_for_all()
