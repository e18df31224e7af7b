"""The front doors: the shop's home page, the language at ``/`` and the switcher, and the
management dashboard."""


def includeme(config):
    pass
