"""The reviews' schemas, one module per audience."""
