"""Mitigation catalogs (placeholder while building)."""
