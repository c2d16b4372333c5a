"""Stored texts: codes and arguments stored once, rendered per reader (no site needed)."""

import datetime as dt
import json

from crm_pack import texts
from crm_pack.analytics.rules import churn, clv
from crm_pack.problems import Label
from crm_pack.projects.rules import health
from crm_pack.relationship.rules import quality

ZH = {
	"No order since {0}; this customer usually orders every {1} days (±{2}).": (
		"自 {0} 起没有订单；该客户通常每 {1} 天（±{2}）下单一次。"
	),
	"On plan.": "符合计划。",
	"relationship owner": "客户关系负责人",
	"tax ID": "税号",
	"{0} of {1}": "{1}中的{0}",
}


def zh(text: str) -> str:
	return ZH.get(text, text)


def day_first(d: dt.date) -> str:
	return d.strftime("%d.%m.%Y")


def dotted(number: float, decimals: int) -> str:
	"""A reader whose number format is #.###,##."""
	text = f"{number:,.{decimals}f}"
	return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def english() -> texts.Renderer:
	return texts.Renderer(lambda t: t, lambda d: d.isoformat(), lambda n, k: f"{n:,.{k}f}")


def test_stored_form_is_english_codes_with_typed_arguments():
	stored = texts.encode(
		[
			(
				"No order since {0}; this customer usually orders every {1} days (±{2}).",
				(dt.date(2026, 7, 6), 30, 6),
			)
		]
	)
	assert json.loads(stored) == [
		[
			"No order since {0}; this customer usually orders every {1} days (±{2}).",
			[{"date": "2026-07-06"}, 30, 6],
		]
	]
	assert texts.encode([]) == ""
	assert texts.decode(stored) == [
		(
			"No order since {0}; this customer usually orders every {1} days (±{2}).",
			[{"date": "2026-07-06"}, 30, 6],
		)
	]


def test_each_reader_gets_their_language_date_and_number_format():
	risk = churn.risk(
		churn.BuyingPattern(dt.date(2026, 1, 1), dt.date(2026, 7, 6), 8, 30, 6),
		dt.date(2026, 11, 23),
	)
	stored = texts.encode(risk.reasons)
	assert english()(stored) == "No order since 2026-07-06; this customer usually orders every 30 days (±6)."
	chinese = texts.Renderer(zh, day_first, dotted)
	assert chinese(stored) == "自 06.07.2026 起没有订单；该客户通常每 30 天（±6）下单一次。"


def test_numbers_keep_their_decimals_and_take_the_readers_separators():
	stored = texts.encode([("{0} and {1} and {2}", (1234567.5, 20000, 0.25))])
	assert texts.Renderer(zh, day_first, dotted)(stored) == "1.234.567,5 and 20.000 and 0,25"
	assert english()(stored) == "1,234,567.5 and 20,000 and 0.25"


def test_labels_are_translated_and_data_is_shown_as_it_is():
	stored = texts.encode([("{0} of {1}", (Label("tax ID"), "tax ID"))])
	assert texts.Renderer(zh, day_first, dotted)(stored) == "tax ID中的税号"


def test_missing_items_render_as_a_list_in_the_readers_language():
	_score, missing = quality.quality({"owner": False, "contact": True, "email": True, "phone": True})
	stored = texts.encode((label, ()) for label in missing)
	assert english()(stored, ", ") == "relationship owner, address, tax ID"
	assert texts.Renderer(zh, day_first, dotted)(stored, "、") == "客户关系负责人、address、税号"


def test_health_on_plan_is_a_code_too():
	result = health.assess(health.HealthInputs(0, 90, 0, 0, 0, None))
	stored = texts.encode(result.reasons or [health.ON_PLAN])
	assert texts.Renderer(zh, day_first, dotted)(stored) == "符合计划。"


def test_clv_explanation_renders_every_part():
	parts = clv.compute(
		clv.CLVInput(
			dt.date(2024, 1, 1),
			dt.date(2026, 1, 1),
			[clv.GroupSales("Services", dt.date(2024, 1, 1), 100000.0)],
		)
	)
	lines = english()(texts.encode(clv.explain(parts))).split("\n")
	assert len(lines) == 5
	assert lines[0] == "Base profit 20,000: revenue 100,000 at the default margin of 20%."


def test_texts_stored_before_codes_show_as_they_are():
	assert english()("No order since 2026-07-06.") == "No order since 2026-07-06."
	assert english()("[[not json") == "[[not json"
	assert english()(None) == "" and english()("") == ""


def test_a_translation_with_broken_placeholders_falls_back_to_english():
	broken = texts.Renderer(lambda t: "{3} 天", lambda d: d.isoformat(), lambda n, k: str(n))
	assert broken(texts.encode([("{0} days behind plan.", (5,))])) == "5 days behind plan."
