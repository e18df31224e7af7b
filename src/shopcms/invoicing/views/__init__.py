"""The invoicing's pages: the downloads and the desk's list."""
