"""Sites installed before payment follow-ups get the default levels (still switched off)."""

from crm_pack.credit_control.defaults import seed_levels


def execute():
	seed_levels()
