"""The peers shopcms's pages are measured against (issue 18's table).

- :mod:`peers.plain`: a plain traversal + ZODB + Chameleon product page, built here.
- :mod:`peers.substanced`: Substance D 1.0's document page, in its own venv under
  ``var/bench/`` (never committed; installed from PyPI by the bench itself).
"""
