"""The views of invoicing."""
