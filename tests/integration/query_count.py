"""Counts database round trips: every frappe.qb and frappe.db call goes through frappe.db.sql."""

import frappe


class QueryCount:
	def __enter__(self):
		self.count, self._sql = 0, frappe.db.sql

		def counting(*args, **kwargs):
			self.count += 1
			return self._sql(*args, **kwargs)

		frappe.db.sql = counting
		return self

	def __exit__(self, *exc):
		frappe.db.sql = self._sql
