"""A test configuration of the code before any evolve step existed (generation 0)."""


def includeme(config):
    config.registry.shopcms_evolve_steps = ()
