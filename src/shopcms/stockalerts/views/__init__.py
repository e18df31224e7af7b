"""The alerts' pages: asking on a product (``ask``), confirming a guest's alert
(``confirm``)."""
