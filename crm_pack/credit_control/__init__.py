"""Collections inside the relationship: statements of account, payment follow-up levels
(with ERPNext's Dunning), promises to pay, disputes, the collector's worklist, payment
behaviour. DEVELOPERS.md ("Payment follow-ups", "Statements of account", "Collections")
says how the parts fit."""
