"""The bridge to Frappe CRM (frappe/crm) on the same site: optional, never required.

crm_pack never imports Frappe CRM. Where the `crm` app is installed the bridge switches on
by itself (switch.py; off from CRM Pack Settings) and adds, through Frappe CRM's own
extension points, a "Customer Account" panel to its Organizations and Deals (an HTML custom
field, a side-panel section, a CRM Form Script that reads account.py live); the CRM Customer
and its 360 show the customer's deals (deals.py). One identity, anchored on the organization
(identity.py): Frappe CRM Organization ↔ ERPNext Customer ↔ CRM Customer."""
