"""bench commands: `bench --site <site> crm-pack-recompute`."""

import click
from frappe.commands import get_site, pass_context


@click.command("crm-pack-recompute")
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
@pass_context
def recompute(context, quiet=False):
	"""Recompute every CRM Customer's ledger figures from ERPNext's books and list what was corrected."""
	import frappe

	from crm_pack.ledger.refresh import recompute_all

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		corrected = recompute_all(commit=True)
		if not quiet:
			for d in corrected:
				click.echo(f"{d['customer']}: {d['field']} {d['old']} -> {d['new']}")
		click.echo(
			f"{len({d['customer'] for d in corrected})} customers corrected, {len(corrected)} differences"
		)
	finally:
		frappe.destroy()


commands = [recompute]
