"""A plain traversal + ZODB + Chameleon product page: the peer of shopcms's product page.

What a small Pyramid shop written by hand would be (the ZODB cookiecutter's stack):
``pyramid_tm`` + ``pyramid_zodbconn`` (a connection per request, cache of 50,000 objects),
traversal from a persistent root through an OOBTree folder of N products (title,
description, price, stock, categories; seeded random like ``catalog.py``'s), and a
Chameleon page template (``pyramid_chameleon``) with a header, navigation, the product's
facts and a footer.  No session, no security policy, no cache: every request renders.

The storage is built once under ``var/bench/peer-plain-N/`` (``build``); the server code
(``SERVER``) runs under the shared venv like the others.
"""

import random
import shutil
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "bench"
HERE = Path(__file__).resolve().parent

PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <title>${product.title} | Plain shop</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/static/style.css">
</head>
<body>
  <header>
    <a href="/">Plain shop</a>
    <nav><ul>
      <li tal:repeat="c categories"><a href="/categories/${c}">${c}</a></li>
    </ul></nav>
    <form action="/search" method="get"><input name="q" type="search"></form>
  </header>
  <main>
    <article class="product">
      <h1>${product.title}</h1>
      <p class="price">&euro; ${price}</p>
      <p tal:condition="product.stock > 0">${product.stock} in stock</p>
      <p tal:condition="product.stock <= 0">Out of stock</p>
      <div class="description">${product.description}</div>
      <ul class="categories">
        <li tal:repeat="c product.categories"><a href="/categories/${c}">${c}</a></li>
      </ul>
      <form action="${request.resource_url(context, 'add')}" method="post">
        <input name="quantity" type="number" value="1" min="1">
        <button type="submit">Add to cart</button>
      </form>
    </article>
  </main>
  <footer><p>Plain shop &middot; <a href="/privacy">Privacy</a></p></footer>
</body>
</html>
"""

SERVER = textwrap.dedent(
    """
    import logging
    import sys
    from decimal import Decimal
    from pyramid.config import Configurator
    from pyramid_zodbconn import get_connection
    from waitress import serve

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    folder = sys.argv[3]
    CATEGORIES = ("planten", "cactussen", "potten", "verzorging", "accessoires", "cadeaus")

    def root_factory(request):
        return get_connection(request).root()["shop"]

    def product_page(context, request):
        return {"product": context, "price": f"{context.price:.2f}".replace(".", ","),
                "categories": CATEGORIES}

    settings = {
        "zodbconn.uri": f"file://{folder}/Data.fs?connection_cache_size=50000&connection_pool_size=8",
        "pyramid.reload_templates": "false",
    }
    with Configurator(settings=settings, root_factory=root_factory) as config:
        config.include("pyramid_tm")
        config.include("pyramid_zodbconn")
        config.include("pyramid_chameleon")
        config.add_view(product_page, context="peers.plain_resources.Product",
                        renderer=folder + "/product.pt")
    serve(config.make_wsgi_app(), host="127.0.0.1", port=int(sys.argv[1]),
          threads=int(sys.argv[2]), _quiet=True)
    """
)


def build(count, seed=20240611):
    """The folder of the peer's storage of ``count`` products (built once); (folder, names)."""
    import transaction
    import ZODB
    import ZODB.FileStorage

    from peers.plain_resources import Product, Shop

    folder = CACHE / f"peer-plain-{count}"
    stamp = folder / "complete"
    if stamp.is_file():
        (folder / "product.pt").write_text(PAGE)
        return folder, (folder / "names.txt").read_text().split()
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="peer-plain-", dir=CACHE))
    rng = random.Random(seed)
    words = ("green", "small", "large", "round", "tall", "white", "black", "red")
    nouns = ("cactus", "succulent", "pot", "bowl", "fern", "palm", "orchid", "bonsai")
    cats = ("planten", "cactussen", "potten", "verzorging", "accessoires", "cadeaus")
    db = ZODB.DB(ZODB.FileStorage.FileStorage(str(work / "Data.fs")))
    names = []
    with db.transaction() as conn:
        conn.root()["shop"] = shop = Shop()
        for index in range(count):
            name = f"{rng.choice(words)}-{rng.choice(nouns)}-{index}"
            shop[name] = Product(
                name,
                f"{name.replace('-', ' ').capitalize()}",
                "Grown and packed with care. Suits indoors, in a bright spot.",
                rng.randint(100, 20000) / 100,
                rng.randint(0, 40),
                rng.sample(cats, rng.choice((1, 1, 2))),
            )
            names.append(name)
    transaction.commit()
    db.close()
    (work / "names.txt").write_text("\n".join(names) + "\n")
    (work / "product.pt").write_text(PAGE)
    (work / "complete").write_text(str(count))
    shutil.rmtree(folder, ignore_errors=True)
    work.rename(folder)
    return folder, names
