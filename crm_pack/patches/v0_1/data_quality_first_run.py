"""Sites that installed crm_pack before data-quality scores existed get them at once,
instead of after the first nightly run."""

from crm_pack.relationship import data_quality


def execute():
	data_quality.recompute()
