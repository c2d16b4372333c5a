"""The bridge's pure rules: which customer an existing Frappe CRM Organization is, and a
customer's deals summed up (crm_pack/frappe_crm/rules)."""

from crm_pack.frappe_crm.rules.deals import kind, summarize
from crm_pack.frappe_crm.rules.identity import match_organizations, name_key


def test_an_organization_is_the_customer_its_won_deal_made():
	links, ambiguous = match_organizations(
		["Acme"], {"Acme": {"Acme Ltd"}}, {"acme": ["Acme (other)"]}, linked_customers=set()
	)
	# its deals name the customer: the name match is not consulted
	assert links == {"Acme": "Acme Ltd"} and ambiguous == {}


def test_without_deals_the_customer_of_the_same_name_fits_whatever_its_case():
	links, _ = match_organizations(["Acme GmbH "], {}, {name_key("ACME GmbH"): ["CUST-1"]}, set())
	assert links == {"Acme GmbH ": "CUST-1"}


def test_two_fitting_customers_are_left_for_a_person():
	links, ambiguous = match_organizations(["Acme"], {"Acme": {"C1", "C2"}}, {}, set())
	assert links == {} and ambiguous == {"Acme": ["C1", "C2"]}


def test_a_customer_claimed_by_two_organizations_is_linked_to_neither():
	links, ambiguous = match_organizations(
		["Acme", "Acme Inc"], {"Acme": {"C1"}, "Acme Inc": {"C1"}}, {}, set()
	)
	assert links == {} and set(ambiguous) == {"Acme", "Acme Inc"}


def test_a_customer_already_anchored_is_not_taken_again():
	links, ambiguous = match_organizations(["Acme"], {"Acme": {"C1"}}, {}, linked_customers={"C1"})
	assert links == {} and ambiguous == {}


def test_an_organization_nothing_fits_stays_unlinked():
	assert match_organizations(["Nobody"], {}, {}, set()) == ({}, {})


def test_deal_kinds_follow_the_status_type():
	assert [kind(t) for t in ("Won", "Lost", "Open", "Ongoing", "On Hold", None)] == [
		"won",
		"lost",
		"open",
		"open",
		"open",
		"open",
	]


def test_summary_counts_deals_and_sums_values_per_currency():
	types = {"Qualification": "Open", "Negotiation": "Ongoing", "Won": "Won", "Lost": "Lost"}
	deals = [
		{"status": "Qualification", "deal_value": 1000, "currency": "USD"},
		{"status": "Negotiation", "deal_value": 250.5, "currency": "USD"},
		{"status": "Negotiation", "deal_value": 400, "currency": "EUR"},
		{"status": "Won", "deal_value": 5000, "currency": "USD"},
		{"status": "Lost", "deal_value": 900, "currency": "USD"},
	]
	assert summarize(deals, types) == {
		"open": 3,
		"won": 1,
		"lost": 1,
		"open_value": {"USD": 1250.5, "EUR": 400.0},
		"won_value": {"USD": 5000.0},
	}
