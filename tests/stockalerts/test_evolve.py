"""Generation 15 gives a database made before it the ``stockalerts`` folder; a new Site has
it from the start (``shopcms init``)."""

from shopcms.evolve.steps import evolve_steps
from shopcms.stockalerts.evolve import stockalerts_folder
from shopcms.stockalerts.resources import StockAlerts


def test_generation_15_adds_the_folder_once(site):
    [step] = [s for s in evolve_steps(site.registry) if s.generation == 15]
    assert step.function is stockalerts_folder
    with site.edit() as root:
        assert isinstance(root["stockalerts"], StockAlerts)  # a new Site has it
        root.remove("stockalerts", registry=site.registry)  # as before generation 15
        stockalerts_folder(root, site.registry)
        folder = root["stockalerts"]
        assert isinstance(folder, StockAlerts) and len(folder.alerts) == 0
        stockalerts_folder(root, site.registry)  # twice: nothing more
        assert root["stockalerts"] is folder
