"""/sitemap.xml: valid by the sitemaps.org schema, every public product and page in every
language with its alternates, nothing hidden or unpublished, and a GET that writes nothing."""

import functools
from pathlib import Path
from xml.etree import ElementTree

from lxml import etree

from shopcms.pages.resources import PolicyPage
from shopcms.web.clock import now
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login

SCHEMAS = Path(__file__).parent / "schemas"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LANGS = ("nl", "fr", "en")
BASE = "http://localhost"


#: sitemap.xsd and the declaration of ``<xhtml:link>`` that its strict wildcard needs
#: (schemas/README.md), imported side by side.
BOTH = b"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="sitemap.xsd"/>
  <xsd:import namespace="http://www.w3.org/1999/xhtml" schemaLocation="xhtml-link.xsd"/>
</xsd:schema>"""


@functools.cache
def sitemap_schema():
    """sitemaps.org's schema (with ``<xhtml:link>``), read by libxml2 through lxml (xmlschema cannot
    build a schema once zope.interface has declared interfaces on collections.abc)."""
    return etree.XMLSchema(etree.fromstring(BOTH, base_url=f"{SCHEMAS.resolve()}/"))


def errors(schema, text):
    """What ``schema`` finds wrong in the XML ``text`` (an empty list: valid)."""
    valid = schema.validate(etree.fromstring(text.encode()))
    return [] if valid else [str(error) for error in schema.error_log]


def entries(response):
    """``{loc: (lastmod, {hreflang: href})}`` of the sitemap."""
    root = ElementTree.fromstring(response.body)  # noqa: S314 (the shop's own answer)
    found = {}
    for url in root.iter(f"{SITEMAP}url"):
        loc = url.findtext(f"{SITEMAP}loc")
        assert loc not in found, f"{loc} is listed twice"
        alternates = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
        found[loc] = (url.findtext(f"{SITEMAP}lastmod"), alternates)
    return found


def public_products(root):
    return sorted(name for name, product in root["products"].items() if product.published)


def page_address(page, lang):
    if isinstance(page, PolicyPage):
        return f"{BASE}/{lang}/{page.__name__}"
    return f"{BASE}/{lang}/pages/{page.__name__}"


def test_the_sitemap_validates_against_the_sitemaps_org_schema(app):
    response = app.get("/sitemap.xml", status=200)
    assert response.content_type == "application/xml"
    assert errors(sitemap_schema(), response.text) == []


def test_the_schema_check_is_real():
    """A sitemap that breaks the schema (an unknown hreflang link, a lastmod that is no
    date) is refused: the check above can fail."""
    schema = sitemap_schema()
    good = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>http://localhost/nl/</loc>'
        "<lastmod>2026-12-06T10:00:00+00:00</lastmod>"
        '<xhtml:link rel="alternate" hreflang="fr" href="http://localhost/fr/"/></url></urlset>'
    )
    assert errors(schema, good) == []
    assert errors(schema, good.replace("2026-12-06T10:00:00+00:00", "yesterday"))
    assert errors(schema, good.replace('rel="alternate"', 'rel="next"'))
    assert errors(schema, good.replace("xhtml:link", "xhtml:lnk"))


def test_every_public_product_and_page_is_listed_in_three_languages_with_alternates(site, app):
    listed = entries(app.get("/sitemap.xml"))
    products = site.read(public_products)
    assert len(products) > 10
    for name in products:
        addresses = {lang: f"{BASE}/{lang}/products/{name}" for lang in LANGS}
        for address in addresses.values():
            lastmod, alternates = listed[address]
            assert alternates == {**addresses, "x-default": addresses["nl"]}
            assert lastmod.endswith("+00:00")
    pages = site.read(
        lambda root: {
            page.__name__: {lang: page_address(page, lang) for lang in page.languages()}
            for page in root["pages"].values()
        }
    )
    assert {"privacy", "terms", "cookies", "about", "contact"} <= set(pages)
    for addresses in pages.values():
        assert set(addresses) == set(LANGS)
        for address in addresses.values():
            assert listed[address][1] == {**addresses, "x-default": addresses["nl"]}
    # The home page and the listing are pages too; / chooses the language.
    assert listed[f"{BASE}/fr/"][1]["x-default"] == f"{BASE}/"
    assert f"{BASE}/en/products/" in listed
    assert f"{BASE}/nl/products/?category=cacti" in listed


def test_lastmod_is_the_time_of_the_last_change(site, app):
    with site.edit() as root:
        product = root["products"]["mug-cafe"]
        product.changed()
        changed = product.modified
    lastmod, _alternates = entries(app.get("/sitemap.xml"))[f"{BASE}/fr/products/mug-cafe"]
    assert lastmod == changed.isoformat(timespec="seconds")


def test_hidden_products_and_unpublished_pages_are_left_out_even_for_an_editor(site, app):
    with site.edit() as root:
        root["products"]["mug-cafe"].publish(False)
        page = root["pages"].add_page("page", "draft-only")
        page.save_draft("nl", "Nog niet af", "Tekst.", "", "system:test", now(site.registry))
        hidden = sorted(n for n, p in root["products"].items() if not p.published)
    assert "monstera-variegata" in hidden  # hidden in the seed
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert app.get("/nl/products/mug-cafe", status=200)  # the editor sees it...
    listed = entries(app.get("/sitemap.xml"))
    for name in hidden:  # ...the sitemap, as the anonymous visitor, does not
        assert not [loc for loc in listed if loc.endswith(f"/products/{name}")]
    assert not [loc for loc in listed if "draft-only" in loc]
    assert f"{BASE}/nl/products/mammillaria-elongata" in listed


def test_every_address_in_the_sitemap_answers_200(app):
    listed = entries(app.get("/sitemap.xml"))
    addresses = set(listed) | {href for _l, alts in listed.values() for href in alts.values()}
    for address in sorted(addresses):
        path = address.removeprefix(BASE)
        app.get(path, status=302 if path == "/" else 200)


def test_a_get_writes_nothing_and_may_be_kept_an_hour(site, app):
    database = site.registry._zodb_databases[""]
    before = database.lastTransaction()
    response = app.get("/sitemap.xml")
    assert database.lastTransaction() == before
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert app.get("/sitemap.xml", headers={"If-None-Match": response.etag}, status=304)
