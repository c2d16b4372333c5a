"""Duplicate finder on hand-made examples."""

from crm_pack.relationship.rules.matching import (
	CustomerFacts,
	find_duplicates,
	normalise_name,
	normalise_phone,
)


def test_normalisation_sets_legal_forms_and_punctuation_aside():
	assert normalise_name("The ACME Trading Co., Ltd.") == "acme trading"
	assert normalise_name("上海华联有限公司") == normalise_name("上海华联 股份有限公司") == "上海华联"
	assert normalise_phone("+86 (21) 5555-1234") == normalise_phone("021 55551234")


def test_pairs_by_name_tax_id_email_and_phone():
	customers = [
		CustomerFacts("C1", "Acme Trading Ltd"),
		CustomerFacts("C2", "ACME Trading Limited"),  # same name once legal forms go
		CustomerFacts("C3", "Acme Tradng", emails=frozenset({"Buyer@Beta.test"})),  # typo
		CustomerFacts("C4", "Beta Foods", tax_id="91310000X", emails=frozenset({"buyer@beta.test "})),
		CustomerFacts("C5", "Beta Food Service", tax_id=" 91310000x", phones=frozenset({"+86 21 5555 1234"})),
		CustomerFacts("C6", "Gamma Steel", phones=frozenset({"021-5555-1234"})),
		CustomerFacts("C7", "Delta Logistics"),
	]
	found = {(c.first, c.second): c for c in find_duplicates(customers)}
	assert ("C1", "C2") in found and found[("C1", "C2")].score == 100
	assert ("C1", "C3") in found and 90 <= found[("C1", "C3")].score < 100
	assert "same tax ID 91310000X" in found[("C4", "C5")].reasons
	assert "same email buyer@beta.test" in found[("C3", "C4")].reasons
	assert any(r.startswith("same phone") for r in found[("C5", "C6")].reasons)
	assert not any("C7" in pair for pair in found)


def test_unrelated_names_are_not_paired():
	customers = [
		CustomerFacts("A", "Northwind"),
		CustomerFacts("B", "Southwind Ltd"),
		CustomerFacts("C", "Norwind"),
	]
	pairs = {(c.first, c.second) for c in find_duplicates(customers)}
	assert ("A", "B") not in pairs
