"""The nightly run's shortcuts give what the rules give: everyone ranked in the database
(analytics/ranking.py), the 12-month window moved from the invoices alone, and the run's
time on the form though the rows whose figures did not move are not rewritten."""

from unittest import mock

import frappe
import pytest
from frappe.desk.form.load import getdoc
from frappe.utils import add_days, add_to_date, get_datetime, getdate, now_datetime, nowdate

from crm_pack.analytics import history, ranking
from crm_pack.analytics import nightly as analytics_sync
from crm_pack.analytics.rules import abc, rfm
from tests.integration import factories


def stored(name, *fields):
	return frappe.db.get_value("CRM Customer", name, fields, as_dict=True)


@pytest.mark.parametrize("shares", [(0.8, 0.95), (0.5, 0.5), (0.33, 0.9), (0, 1)])
def test_everyone_is_ranked_in_the_database_as_the_rules_rank_them(shares):
	crm = frappe.qb.DocType("CRM Customer")
	today = getdate(nowdate())
	# everyone ties (the edges fall among equal revenues, ordered by name), beside returns,
	# zeros, customers without an order and a spread of recency and frequency
	frappe.qb.update(crm).set(crm.net_revenue, 100).set(crm.buying_days, 2).set(
		crm.last_purchase_date, add_days(today, -10)
	).run()
	odd = [factories.customer() for _ in range(8)]
	figures = [(-50, 1, -400), (0, 0, None), (0, 3, -5), (250.5, 7, 0), (250.5, 1, -900), (0, 5, None)]
	figures += [(99.99, 4, 3), (100.01, 2, -10)]
	for name, (revenue, orders, days) in zip(odd, figures, strict=True):
		last = add_days(today, days) if days is not None else None
		frappe.db.set_value(
			"CRM Customer", name, {"net_revenue": revenue, "buying_days": orders, "last_purchase_date": last}
		)
	cut = ranking.cuts(today, *shares)
	terms = ranking.terms(crm, today, cut)
	rows = (
		frappe.qb.from_(crm)
		.select(
			crm.name, crm.net_revenue, crm.last_purchase_date, crm.buying_days, terms["tier"], terms["code"]
		)
		.run()
	)
	tiers = abc.classify({n: float(r or 0) for n, r, *_ in rows}, *shares)
	scores = rfm.score(
		{
			n: rfm.Purchases(getdate(last) if last else None, int(d or 0), float(r or 0))
			for n, r, last, d, *_ in rows
		},
		today,
	)
	assert {n: (t, c) for n, _r, _l, _d, t, c in rows} == {
		n: (tiers[n], scores[n].code if n in scores else None) for n, *_ in rows
	}
	if shares == (0.8, 0.95):
		assert cut.a_edge[1], "the A edge falls among equal revenues, so its name decides"


def test_the_form_shows_when_the_last_run_brought_the_customer_up_to_date():
	cust = factories.customer()
	factories.sales_invoice(cust, 100, posting_date=add_days(nowdate(), -40))
	analytics_sync.recompute_all()
	# a night on which none of this customer's figures moved: its row is not rewritten
	earlier = add_to_date(now_datetime(), days=-1)
	frappe.db.set_value("CRM Customer", cust, "analytics_updated_on", earlier, update_modified=False)
	analytics_sync.recompute_all()
	ran = analytics_sync.last_run_on()
	assert ran and ran > earlier
	assert get_datetime(stored(cust, "analytics_updated_on").analytics_updated_on) == earlier
	getdoc("CRM Customer", cust)
	assert get_datetime(frappe.response.docs[-1].analytics_updated_on) == ran
	# a customer no run has seen yet shows none
	new = factories.customer()
	frappe.db.set_value("CRM Customer", new, "analytics_updated_on", None, update_modified=False)
	getdoc("CRM Customer", new)
	assert not frappe.response.docs[-1].analytics_updated_on


BASIS_AND_SCORES = (
	"net_revenue",
	"billed_last_12_months",
	"billed_window_ends",
	"buying_days",
	"clv_base_profit",
	"clv_total",
	"churn_risk_level",
	"share_of_wallet",
	"rfm_segment",
)


def test_an_invoice_leaving_the_12_month_window_moves_the_billing_as_a_full_read_would():
	cust = factories.customer()
	frappe.db.set_value("CRM Customer", cust, "estimated_annual_spend", 1000)
	factories.sales_invoice(cust, 100, posting_date=add_days(nowdate(), -363))
	factories.sales_invoice(cust, 40, posting_date=add_days(nowdate(), -10))
	analytics_sync.recompute_all()
	assert stored(cust, "billed_last_12_months").billed_last_12_months == 140
	crm = frappe.qb.DocType("CRM Customer")
	frappe.qb.update(crm).set(crm.analytics_basis_on, nowdate()).run()  # nobody else's basis is due

	# two days on, the older invoice has left the window: only the invoices are read again
	day = add_days(nowdate(), 2)
	asked = []
	items, payments = history.item_groups, history.payment_days

	def recorded(read):
		def wrapper(companies, customers=None, *args, **kwargs):
			asked.append(customers)
			return read(companies, customers, *args, **kwargs)

		return wrapper

	with (
		mock.patch.object(history, "item_groups", recorded(items)),
		mock.patch.object(history, "payment_days", recorded(payments)),
	):
		analytics_sync.recompute_all(today=day)
	assert all(names is not None and cust not in names for names in asked), asked
	moved = stored(cust, *BASIS_AND_SCORES)
	assert moved.billed_last_12_months == 40 and moved.share_of_wallet == 4

	# the same day read in full gives the same basis and scores
	frappe.qb.update(crm).set(crm.analytics_basis_key, "").where(crm.name == cust).run()
	analytics_sync.recompute_all(today=day)
	assert stored(cust, *BASIS_AND_SCORES) == moved


def test_a_measure_the_server_cuts_short_is_read_as_rows():
	"""Above max_allowed_packet (several hundred thousand customers) GROUP_CONCAT comes back
	cut: the same edges then come from the values read as rows."""
	factories.sales_invoice(factories.customer(), 100)
	factories.sales_invoice(factories.customer(), 250)
	today = getdate(nowdate())
	whole = ranking.cuts(today, 0.8, 0.95)
	with mock.patch.object(history, "long_concat", lambda: history._session(group_concat_max_len=8)):
		assert ranking.cuts(today, 0.8, 0.95) == whole
