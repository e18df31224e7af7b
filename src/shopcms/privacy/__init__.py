"""The registries that make the privacy statement true of the software.

``cookies`` declares every cookie the application may set; later modules add the purposes
of processing, the consent ledger and the data subject's rights.
"""


def includeme(config):
    config.include(".cookies")
