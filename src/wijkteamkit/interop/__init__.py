"""Exports to open standards: OCDS for tenders."""
