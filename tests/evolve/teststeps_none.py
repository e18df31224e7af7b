"""A test configuration of the code before any evolve step existed (generation 0)."""


def includeme(config):
    registry = config.registry
    # After the packages declared theirs (order 1): this code knows none.
    config.action(None, lambda: registry.shopcms_evolve_steps.clear(), order=1)
