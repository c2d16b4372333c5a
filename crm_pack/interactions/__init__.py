"""Every contact with a customer: interactions, follow-ups, complaint service levels,
complaint costs, email logging, timelines, staff scorecards.

rules/ (pure): interaction_checks (validation, cost rows, SLA targets), scorecard.
Site: follow_ups, service_levels, complaint_costs, email_log, timeline, scorecard_reads.
"""
