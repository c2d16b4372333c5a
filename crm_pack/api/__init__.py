"""Whitelisted methods: the public doors. Each checks permission first and delegates to
its domain; state-changing ones accept POST only."""
