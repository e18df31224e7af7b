"""What a skeleton rendering is told and what it writes in place of a visitor's token.

Kept apart from ``shopcms.web.personal`` (which masks tokens through ``shopcms.web.csrf``)
so that the CSRF policy can write the mark without importing the personal parts.
"""

#: In the environ: render personal parts as holes (the page cache's rendering).
SKELETON = "shopcms.skeleton"
#: Where a skeleton holds a CSRF token (each is filled with the visitor's, masked anew).
CSRF_MARK = "\x00csrf\x00"
