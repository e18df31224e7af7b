"""The views of pages: public pages and the management desk."""
