"""A project's street network: its import, routing along it and what is matched to it."""
