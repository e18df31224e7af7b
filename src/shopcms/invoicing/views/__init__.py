"""The views of invoicing: the downloads, the desk's list of invoices, the OSS report."""
