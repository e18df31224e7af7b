"""A test configuration that declares one evolve step beyond the project's own."""

from shopcms.evolve import EvolveStep, evolve_steps


def add_motto(site, registry):
    site.motto = "evolved"


def includeme(config):
    registry = config.registry

    def declare():
        steps = evolve_steps(registry)
        registry.shopcms_evolve_steps.append(
            EvolveStep(steps[-1].generation + 1, "Give the site a motto", add_motto)
        )

    # Included (pyramid.includes) before the packages: declare once theirs are in (order 1
    # runs after the directives' actions).
    config.action(None, declare, order=1)
