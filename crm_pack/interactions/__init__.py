"""Every contact with a customer: interactions, follow-ups, complaint service levels,
complaint costs, email logging, timelines, staff scorecards.

rules/ (pure): interaction_checks (validation, cost rows, service-level checks), scorecard,
service_clock (due times, pauses, fulfilment).
Site: follow_ups, service_levels, sla_engine, complaint_costs, email_log, timeline, scorecard_reads.
"""
