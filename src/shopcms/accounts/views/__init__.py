"""The views of accounts: public pages and the management desk."""
