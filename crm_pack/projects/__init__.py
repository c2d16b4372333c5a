"""Implementation projects: the method of rolling a system out at a customer.

rules/ (pure): method (phase templates, checklists, risks from the seeds), project_checks,
gates, backlog, health. Site: measures (control totals and adoption read from the site).
The controller is crm_pack/crm_pack/doctype/implementation_project.
"""
