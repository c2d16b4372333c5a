"""Payment follow-up levels and promise verdicts, by hand (crm_pack/credit_control/rules)."""

import datetime as dt

from crm_pack.credit_control.rules import levels as L
from crm_pack.credit_control.rules import promises as P

TODAY = dt.date(2026, 6, 30)
LEVELS = L.sorted_levels(
	[
		{"days_overdue": 30, "title": "Letter", "channel": "Letter", "dunning_type": "Formal"},
		{"days_overdue": 1, "title": "Reminder", "channel": "Email"},
		{"days_overdue": 60, "title": "Stop", "channel": "Phone", "stop_new_orders": 1},
		{"days_overdue": 15, "title": "Call", "channel": "Phone"},
	]
)


def inv(no, amount, days_overdue, company="A", vtype="Sales Invoice"):
	return L.OpenVoucher(company, vtype, no, amount, TODAY - dt.timedelta(days=days_overdue))


def decide(vouchers, current=0, **kw):
	split = {k: kw.pop(k) for k in ("disputed", "minimum", "holds", "grace_days") if k in kw}
	return L.decide(LEVELS, L.company_overdue(vouchers, TODAY, **split), TODAY, current, **kw)


def test_levels_are_numbered_in_days_order():
	assert [(lv.number, lv.days_overdue, lv.channel) for lv in LEVELS] == [
		(1, 1, "Email"),
		(2, 15, "Phone"),
		(3, 30, "Letter"),
		(4, 60, "Phone"),
	]


def test_each_transition_and_its_next_date():
	d = decide([inv("SI-1", 100, 1)])
	assert (d.level, d.advanced, d.step_companies) == (1, True, ["A"])
	assert d.next_date == TODAY + dt.timedelta(days=14)  # due date + 15
	d = decide([inv("SI-1", 100, 15)], current=1)
	assert (d.level, d.advanced, d.step_companies) == (2, True, ["A"])
	d = decide([inv("SI-1", 100, 31)], current=2)
	assert (d.level, d.advanced) == (3, True)
	assert not d.orders_stopped
	d = decide([inv("SI-1", 100, 60)], current=3)
	assert (d.level, d.orders_stopped, d.next_date) == (4, True, None)


def test_the_same_day_twice_takes_no_second_step():
	first = decide([inv("SI-1", 100, 16)], current=1)
	again = decide([inv("SI-1", 100, 16)], current=first.level)
	assert (again.level, again.advanced, again.step_companies) == (2, False, [])


def test_a_step_already_logged_at_the_level_is_not_repeated():
	d = decide([inv("SI-1", 100, 16)], current=0, done_companies=["A"])
	assert (d.level, d.advanced, d.step_companies) == (2, True, [])


def test_first_seen_40_days_overdue_goes_straight_to_the_30_day_level():
	d = decide([inv("SI-1", 100, 40), inv("SI-2", 50, 3)])
	assert (d.level, d.step_companies) == (3, ["A"])
	assert d.next_date == TODAY + dt.timedelta(days=20)


def test_not_yet_due_and_unallocated_payments():
	assert decide([inv("SI-1", 100, 0)]).level == 0  # due today is not overdue
	d = decide([inv("SI-1", 100, 20), inv("PE-1", -100, 5, vtype="Payment Entry")])
	assert (d.level, d.companies["A"].overdue) == (0, 0)


def test_the_level_does_not_step_back_while_something_is_overdue_and_clears_at_zero():
	d = decide([inv("SI-2", 10, 2)], current=3)
	assert (d.level, d.advanced) == (3, False)
	d = decide([], current=3)
	assert (d.level, d.cleared, d.orders_stopped) == (0, True, False)


def test_disputed_invoices_are_held_out():
	d = decide([inv("SI-1", 100, 40), inv("SI-2", 30, 2)], disputed={"SI-1": None})
	assert d.level == 1
	assert (d.companies["A"].overdue, d.companies["A"].disputed, d.companies["A"].counted) == (130, 100, 30)
	part = decide([inv("SI-1", 100, 40)], disputed={"SI-1": 60})
	assert (part.level, part.companies["A"].counted) == (3, 40)
	assert decide([inv("SI-1", 100, 40)], disputed={"SI-1": None}).level == 0


def test_minimum_overdue_amount_per_company():
	d = decide([inv("SI-1", 40, 20), inv("SI-9", 500, 20, company="B")], minimum=50)
	assert d.step_companies == ["B"]
	assert decide([inv("SI-1", 40, 20)], minimum=50).level == 0


def test_an_open_promise_pauses_until_its_date_and_grace():
	hold = [L.PromiseHold("A", TODAY + dt.timedelta(days=3))]
	d = decide([inv("SI-1", 100, 20)], current=1, holds=hold, grace_days=2)
	assert (d.level, d.advanced, d.paused_until) == (1, False, TODAY + dt.timedelta(days=5))
	assert d.next_date == TODAY + dt.timedelta(days=6)
	other = decide([inv("SI-1", 100, 20), inv("SI-7", 100, 20, company="B")], current=1, holds=hold)
	assert (other.level, other.step_companies) == (2, ["B"])
	past = [L.PromiseHold("A", TODAY - dt.timedelta(days=3))]
	assert decide([inv("SI-1", 100, 20)], current=1, holds=past, grace_days=2).level == 2


def test_a_broken_promise_escalates_one_level_at_once():
	d = decide([inv("SI-1", 100, 2)], current=1, escalate=True)
	assert (d.level, d.advanced, d.step_companies) == (2, True, ["A"])
	top = decide([inv("SI-1", 100, 70)], current=4, escalate=True)
	assert (top.level, top.advanced) == (4, False)


def test_level_checks():
	problems = L.check_levels(
		[
			{"days_overdue": 0, "channel": "Email"},
			{"days_overdue": 5, "channel": "Fax"},
			{"days_overdue": 5, "channel": "Email"},
		]
	)
	assert [(p.fieldname, p.row[1]) for p in problems] == [
		("days_overdue", 1),
		("channel", 2),
		("days_overdue", 3),
	]


def test_promise_verdicts_and_kept_rate():
	promised = TODAY
	assert P.verdict(100, 100, promised, TODAY) == P.KEPT
	assert P.verdict(100, 60, promised, TODAY) == P.OPEN
	assert P.verdict(100, 60, promised, TODAY + dt.timedelta(days=2), grace_days=2) == P.OPEN
	assert P.verdict(100, 60, promised, TODAY + dt.timedelta(days=3), grace_days=2) == P.BROKEN
	assert P.paid_towards({"SI-1": 100, "SI-2": 50}, {"SI-1": 20, "SI-2": 70}) == 80
	assert P.kept_rate([P.KEPT, P.BROKEN, P.OPEN, P.KEPT]) == 66.7
	assert P.kept_rate([P.OPEN]) is None


def _listed(no="SI-1", customer="C", company="A", docstatus=1, outstanding=100.0):
	return P.ListedInvoice(no, customer, company, docstatus, outstanding)


def test_promise_checks():
	ok = dict(today=TODAY, is_new=True, customer="C", company="A", company_outstanding=300)
	assert P.check_promise(amount=100, promised_date=TODAY, invoices=[_listed()], **ok) == []
	fields = lambda ps: [p.fieldname for p in ps]  # noqa: E731
	assert fields(P.check_promise(amount=0, promised_date=TODAY, invoices=[], **ok)) == ["promised_amount"]
	past = TODAY - dt.timedelta(days=1)
	assert fields(P.check_promise(amount=10, promised_date=past, invoices=[], **ok)) == ["promised_date"]
	too_much = P.check_promise(amount=150, promised_date=TODAY, invoices=[_listed()], **ok)
	assert fields(too_much) == ["promised_amount"] and too_much[0].args[2].amount == 100
	assert fields(P.check_promise(amount=301, promised_date=TODAY, invoices=[], **ok)) == ["promised_amount"]
	wrong = [
		_listed("SI-2", customer="D"),
		_listed("SI-3", docstatus=0),
		_listed("SI-4", company="B"),
		_listed("SI-5", outstanding=0),
		_listed("SI-6", customer=None),
	]
	problems = P.check_promise(amount=10, promised_date=TODAY, invoices=wrong, **ok)
	assert [p.row[1] for p in problems] == [1, 2, 3, 4, 5]


def test_dispute_checks():
	assert [p.fieldname for p in P.check_dispute(company="A", customer="C", invoices=[])] == ["invoices"]
	assert P.check_dispute(company="A", customer="C", invoices=[_listed()]) == []


def test_a_jump_past_the_letter_still_sends_the_letter_but_no_other_skipped_step():
	assert L.skipped_letter(LEVELS, 0, 4).title == "Letter"  # first seen 70 days overdue
	assert L.skipped_letter(LEVELS, 3, 4) is None  # the letter went at level 3
	assert L.skipped_letter(LEVELS, 0, 3) is None  # the level reached is the letter
	assert L.skipped_letter(LEVELS, 0, 2) is None  # reminder and call are not sent late
