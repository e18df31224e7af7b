"""A test configuration that declares one evolve step beyond the project's own."""

from shopcms.evolve import STEPS, EvolveStep


def add_motto(site, registry):
    site.motto = "evolved"


def includeme(config):
    config.registry.shopcms_evolve_steps = (
        *STEPS,
        EvolveStep(len(STEPS) + 1, "Give the site a motto", add_motto),
    )
