"""Setting collections up in a real browser, as the managers who do it: a CRM Manager
picks a level's Dunning Type (no rights on ERPNext's Dunning Type needed), saves, and runs
the follow-ups from the settings."""

import types

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import on_site

MANAGER = "browser.manager@crm-pack.test"  # CRM Manager (+ Sales Master Manager)


def _on_site(fn):
	with on_site() as frappe:
		return fn(frappe)


def _companies_without_letters(frappe) -> list[str]:
	from crm_pack.credit_control.steps import companies_without_letters

	return companies_without_letters(frappe.get_single("CRM Pack Settings").collection_levels)


@pytest.fixture
def one_level(site_data):
	"""The settings with one email level and a Dunning Type to pick; put back afterwards."""
	from tests.integration.collections_setup import dunning_type

	def arrange(frappe):
		settings = frappe.get_single("CRM Pack Settings")
		before = settings.as_dict()
		name = dunning_type(title=f"Browser Notice {site_data.tag}")
		settings.collections_enabled = 1
		settings.set(
			"collection_levels", [{"days_overdue": 30, "title": "Formal letter", "channel": "Letter"}]
		)
		settings.save(ignore_permissions=True)
		return types.SimpleNamespace(before=before, dunning_type=name)

	state = _on_site(arrange)
	yield state

	def restore(frappe):
		settings = frappe.get_single("CRM Pack Settings")
		settings.collections_enabled = state.before.collections_enabled
		settings.set(
			"collection_levels",
			[
				{k: v for k, v in row.items() if k not in ("name", "parent", "idx")}
				for row in state.before.collection_levels
			],
		)
		settings.save(ignore_permissions=True)
		frappe.delete_doc("Dunning Type", state.dunning_type, ignore_permissions=True, force=True)

	_on_site(restore)


def test_a_crm_manager_picks_the_letters_dunning_type_and_runs_the_follow_ups(desk, one_level):
	page = desk.page
	desk.login(MANAGER)
	desk.goto("crm-pack-settings")
	error_dialog = page.locator(".modal.show .msgprint")
	grid = page.locator('.frappe-control[data-fieldname="collection_levels"]')
	expect(grid).to_be_visible()
	grid.locator('.grid-body .grid-row [data-fieldname="days_overdue"]').first.click()
	grid.locator(".grid-body .grid-row").first.locator(
		".btn-open-row, .grid-row-open, [data-action='open']"
	).first.click()
	link = page.locator('.form-in-grid .frappe-control[data-fieldname="dunning_type"] input')
	# the row form focuses its first field once drawn: type after that, as a person would
	expect(page.locator('.form-in-grid input[data-fieldname="days_overdue"]')).to_be_focused()
	link.click()
	link.press_sequentially(one_level.dunning_type[:14], delay=30)
	page.locator(".awesomplete [role=option]:visible", has_text=one_level.dunning_type).first.click()
	page.keyboard.press("Escape")
	desk.wait_idle()
	expect(error_dialog).to_have_count(0)  # no "You do not have Read or Select Permissions"
	page.keyboard.press("Control+s")
	expect(page.locator(".desk-alert .alert-message", has_text="Saved").first).to_be_visible()
	desk.wait_idle()
	# the site's other companies have no Dunning Type: said now, by name, not in an Error Log later
	warning = page.locator(".modal.show", has_text="Letters without a Dunning")
	no_type = _on_site(_companies_without_letters)
	if no_type:
		expect(warning).to_contain_text(no_type[0])
		desk.shot("settings-dunning-type")
		warning.locator(".btn-modal-close").click()
	expect(page.locator(".modal.show .msgprint", has_text="Permissions")).to_have_count(0)

	saved = _on_site(
		lambda frappe: [r.dunning_type for r in frappe.get_single("CRM Pack Settings").collection_levels]
	)
	assert saved == [one_level.dunning_type]

	page.get_by_role("button", name="Run Follow-ups Now").click()
	expect(
		page.locator(".desk-alert .alert-message", has_text="Payment follow-ups queued").first
	).to_be_visible()
