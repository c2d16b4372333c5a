"""Customer value: ABC tier, five-part lifetime value, churn risk, RFM, share of wallet.

rules/ (pure): abc, clv, churn, rfm, report_rows. Site: history (set-based invoice, item and
payment reads), basis (each customer's stored basis and its staleness), nightly (the run
that refreshes stale bases, scores everyone and writes what changed).
"""
