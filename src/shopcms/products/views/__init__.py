"""The views of products: public pages and the management desk."""
