"""Turning combined view archs and records into HTML."""
