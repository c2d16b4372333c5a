"""The money truth: each customer's billed, paid, outstanding, overdue and orders, equal
to ERPNext's own reports.

rules/ (pure): figures (grouped ledger rows -> figures), ageing (open amounts by due date).
Site: queries (grouped reads of GL, Payment Ledger, orders, invoices), store (compare and
write), refresh (locks, dirty marks, jobs), events (what a document event does),
currencies (which currency headline figures are in).
"""
