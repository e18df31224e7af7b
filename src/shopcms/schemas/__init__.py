"""Colander schemas, one module per domain; every form schema derives from CSRFSchema."""
