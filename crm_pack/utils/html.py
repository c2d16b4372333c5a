"""Text from records, put into HTML that crm_pack renders itself."""

import html

from frappe.utils import escape_html


def escape_once(value) -> str:
	"""Escaped exactly once: frappe's sanitiser may have stored the text already escaped,
	so it is unescaped first rather than showing "&amp;lt;" to the user."""
	return escape_html(html.unescape(str(value))) if value is not None else ""
