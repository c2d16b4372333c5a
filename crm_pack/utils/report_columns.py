"""Column definitions the crm_pack reports share, so customers read the same in each."""

from frappe import _


def column(label: str, fieldname: str, fieldtype: str = "Data", options: str | None = None, width: int = 120):
	"""A report column; `label` is already translated by the caller."""
	spec = {
		"label": label,
		"fieldname": fieldname,
		"fieldtype": fieldtype,
		"options": options,
		"width": width,
	}
	if fieldtype == "Percent":
		spec["precision"] = 1  # "83.3%", not the site's float precision ("83.333%")
	return spec


def customer_columns(link_field: str = "name", with_owner: bool = True) -> list[dict]:
	"""Customer (link), its name and ABC tier, and its relationship owner."""
	columns = [
		column(_("Customer"), link_field, "Link", "CRM Customer", 180),
		column(_("Customer Name"), "customer_name", width=170),
		column(_("Tier"), "abc_tier", width=60),
	]
	if with_owner:
		columns.append(column(_("Owner"), "relationship_owner", "Link", "User", 150))
	return columns
