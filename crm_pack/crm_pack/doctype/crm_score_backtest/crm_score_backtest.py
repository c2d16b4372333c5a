"""One stored figure of the backtest (analytics/backtest.py writes them, the report
"How well the scores predicted" reads them): per backtest day, score and level, how many
customers were scored and how many then had the outcome."""

from frappe.model.document import Document


class CRMScoreBacktest(Document):
	pass
