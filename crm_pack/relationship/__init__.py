"""The CRM Customer record itself: one per ERPNext Customer, its data quality, contacts,
duplicates and merges.

rules/ (pure): record_checks (CRM Customer and settings validation), quality, matching
(duplicate rules). Site: records (create, rename, merge, delete with the Customer),
data_quality, contacts, duplicate_finder, merge.
"""
