"""Rules of the implementation method (plain Python)."""
