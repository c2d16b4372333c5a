"""Staff scorecard arithmetic on hand-computed examples."""

import datetime as dt

from crm_pack.interactions.rules.interaction_checks import (
	check_cost_row,
	check_service_level_targets,
	cost_of,
)
from crm_pack.interactions.rules.scorecard import (
	InteractionRow,
	SalesDocument,
	build_scorecards,
	follow_up_state,
)

TODAY = dt.date(2026, 11, 23)
T0 = dt.datetime(2026, 11, 2, 9, 0)


def row(name, user="ann", customer="C1", when=T0, **kw):
	return InteractionRow(
		name=name,
		user=user,
		customer=customer,
		when=when,
		interaction_type=kw.pop("interaction_type", "Inquiry"),
		status=kw.pop("status", "Open"),
		**kw,
	)


def test_median_first_response_sla_and_complaints():
	rows = [
		row("a", first_responded_on=T0 + dt.timedelta(hours=1)),
		row("b", first_responded_on=T0 + dt.timedelta(hours=3)),
		row("c", first_responded_on=T0 + dt.timedelta(hours=8), clock_start=T0 + dt.timedelta(hours=6)),
		row(
			"d",
			interaction_type="Complaint",
			status="Resolved",
			agreement_status="Fulfilled",
			complaint_cost=50,
		),
		row("e", interaction_type="Complaint", status="Open", agreement_status="Failed", complaint_cost=25),
		row("f", interaction_type="Complaint", status="Closed", agreement_status="Fulfilled"),
	]
	(card,) = build_scorecards(rows, [], attribution_days=30, today=TODAY)
	assert card.handled == 6
	# responses 1 h, 3 h and 2 h (the clock of "c" started at 15:00): median 2 h
	assert card.median_first_response_hours == 2.0
	assert card.sla_met_percent == 66.7  # 2 fulfilled of 3 decided
	assert (card.complaints, card.complaints_resolved, card.complaint_cost) == (3, 2, 75)


def test_follow_up_states():
	due = dt.date(2026, 11, 10)
	assert (
		follow_up_state(row("x", follow_up_date=due, follow_up_done=True, follow_up_done_on=due), TODAY)
		== "on_time"
	)
	late = row("x", follow_up_date=due, follow_up_done=True, follow_up_done_on=dt.date(2026, 11, 12))
	assert follow_up_state(late, TODAY) == "late"
	assert follow_up_state(row("x", follow_up_date=due), TODAY) == "overdue"
	assert follow_up_state(row("x", follow_up_date=TODAY), TODAY) is None  # due today: not overdue yet
	assert follow_up_state(row("x"), TODAY) is None


def test_orders_count_for_whoever_worked_the_customer_within_the_window():
	rows = [
		row("a", user="ann", customer="C1", when=dt.datetime(2026, 10, 1, 10)),
		row("b", user="ann", customer="C1", when=dt.datetime(2026, 10, 20, 10)),
		row("c", user="bob", customer="C1", when=dt.datetime(2026, 10, 25, 10)),
		row("d", user="bob", customer="C2", when=dt.datetime(2026, 10, 1, 10)),
	]
	docs = [
		SalesDocument("Sales Order", "SO-1", "C1", dt.date(2026, 10, 30), 1000),  # ann (b) and bob (c)
		SalesDocument("Sales Order", "SO-2", "C1", dt.date(2026, 9, 30), 500),  # before any interaction
		SalesDocument("Quotation", "QT-1", "C1", dt.date(2026, 10, 5), 300),  # ann only (a)
		SalesDocument(
			"Sales Order", "SO-3", "C2", dt.date(2026, 11, 15), 700
		),  # 45 days after bob's: too late
	]
	cards = {c.user: c for c in build_scorecards(rows, docs, attribution_days=30, today=TODAY)}
	assert (cards["ann"].orders, cards["ann"].order_value) == ({"SO-1"}, 1000)
	assert (cards["ann"].quotations, cards["ann"].quotation_value) == ({"QT-1"}, 300)
	assert (cards["bob"].orders, cards["bob"].order_value) == ({"SO-1"}, 1000)
	assert cards["bob"].quotations == set()
	# counted once even though two of ann's interactions precede it
	assert cards["ann"].order_value == 1000


def test_no_response_no_median_no_decided_agreement():
	(card,) = build_scorecards([row("a")], [], attribution_days=30, today=TODAY)
	assert card.median_first_response_hours is None
	assert card.sla_met_percent is None


def test_cost_rows():
	ok = {"customer": "C1", "docstatus": 1, "is_return": 1, "base_grand_total": -120.0}
	args = {"idx": 1, "document_type": "Sales Invoice", "document": "SINV-1", "customer": "C1"}
	assert check_cost_row(interaction_type="Complaint", found=ok, **args) == []
	(p,) = check_cost_row(interaction_type="Inquiry", found=ok, **args)
	assert "Only a complaint" in p.message and p.row[1] == 1
	(p,) = check_cost_row(interaction_type="Complaint", found={**ok, "customer": "C2"}, **args)
	assert "belongs to customer" in p.message
	(p,) = check_cost_row(interaction_type="Complaint", found={**ok, "is_return": 0}, **args)
	assert "not a return" in p.message
	(p,) = check_cost_row(interaction_type="Complaint", found=None, **args)
	assert "does not exist" in p.message
	assert cost_of("Sales Invoice", ok, 999) == 120.0  # the document's value, not what was typed
	assert cost_of("Sales Invoice", {**ok, "docstatus": 2}, 0) == 0.0
	assert cost_of("Warranty Claim", {"customer": "C1"}, 80) == 80
	assert cost_of("Warranty Claim", {"customer": "C1"}, -5) == 0.0


def test_service_level_targets_must_be_positive():
	assert check_service_level_targets([(1, "High", 14400, 86400)]) == []
	problems = check_service_level_targets(
		[(1, "High", -3600, 86400), (2, "Low", 3600, -1), (3, "Medium", 0, 0)]
	)
	assert [p.row[1] for p in problems] == [1, 2, 3]
