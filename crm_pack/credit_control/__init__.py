"""Collections inside the relationship (issue 18): statements of account, payment
follow-up levels (with ERPNext's Dunning), promises to pay, disputes, the collector's
worklist, payment behaviour and late orders.

rules/        pure: levels (which step is due), behaviour (DSO, days to pay, promises kept),
              statement (opening, postings, closing, ageing from ledger rows)
site modules: statements, statement_schedules, follow_up_run, promises, disputes,
              behaviour, worklist reads
"""
