"""Ledger figures of a customer, derived from ERPNext's own books.

`figures` is plain Python (no frappe import): it turns grouped ledger rows into
the figures shown on CRM Customer. The database side lives in
`crm_pack.services.ledger_sync`.
"""
