"""The views of orders: public pages and the management desk."""
