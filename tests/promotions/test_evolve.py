"""A database from before the promotions: the cart works without the folder, and the
evolve step (generation 16) adds it."""

from shopcms.evolve import current_generation
from shopcms.evolve.steps import evolve_steps
from shopcms.promotions import FOLDER_GENERATION
from shopcms.promotions.evolve import promotions_folder
from shopcms.promotions.resources import Promotions
from tests.promotions.helpers import CACTUS, add_to_cart


def test_the_folder_comes_with_its_evolve_step_and_carts_work_before(site, app):
    with site.edit() as root:
        root.remove("promotions", registry=site.registry)
    add_to_cart(app, CACTUS, 1)
    assert app.get("/nl/cart").html.select_one(".cart-total") is not None
    with site.edit() as root:
        promotions_folder(root, site.registry)
        promotions_folder(root, site.registry)  # run twice: the same folder
        assert isinstance(root["promotions"], Promotions)


def test_generation_16_is_the_promotions_folder(site):
    [step] = [s for s in evolve_steps(site.registry) if s.generation == FOLDER_GENERATION]
    assert FOLDER_GENERATION == 16 and step.function is promotions_folder
    with site.edit() as root:
        assert current_generation(root._p_jar.root()) >= 16
        assert isinstance(root["promotions"], Promotions)  # a new Site has it
