"""Rules about customer interactions (plain Python)."""
