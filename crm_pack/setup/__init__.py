"""Install, migrate and uninstall: the records crm_pack creates once (the complaint
agreement, the phase boards) and takes away again. Roles ship as fixtures."""
