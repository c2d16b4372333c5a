"""Rules about the customer relationship record (plain Python)."""
