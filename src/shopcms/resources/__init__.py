"""The resource tree: one module per domain, each declaring its content types once."""
