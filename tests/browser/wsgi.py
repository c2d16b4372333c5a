"""What the browser tests' gunicorn serves: frappe's WSGI app plus the built assets and
public files, as `bench serve` adds them (in production nginx serves those). Run from
the bench's sites folder."""

import frappe.app

application = frappe.app.application_with_statics()
