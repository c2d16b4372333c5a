"""Customer analytics in plain Python (no frappe import): ABC tiers, lifetime value, churn risk, RFM."""
