"""The reviews' pages: on the product page, the writing forms, the moderation desk."""
