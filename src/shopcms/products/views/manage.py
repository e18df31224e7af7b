"""The product desk: products, their images, stock and visibility, and the categories.

Thin views, like the editorial desk: every input goes through a colander schema
(``schemas.products``) and only the fields declared there reach a product, through its
domain methods; ``changed()`` then lets the catalog reindex it.  Every view needs the
``edit`` permission (editors and administrators); what visitors see is decided by the
product's own ACL (published or hidden).
"""

from functools import partial

import colander
from hypatia.query import And, Contains, Eq
from hypatia.text.parsetree import ParseError, QueryError
from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.catalog.indexes import search_terms
from shopcms.catalog.query import index, search
from shopcms.products import images
from shopcms.products.listing import MAX_QUERY
from shopcms.products.resources import Categories, Category, Product, Products
from shopcms.products.schemas import (
    CENT,
    RemoveImageSchema,
    StockSchema,
    VisibilitySchema,
    category_schema,
    image_alt_schema,
    product_schema,
    vat_rate,
    vat_value,
)
from shopcms.tree.events import ObjectModified, notify
from shopcms.tree.resources import FolderKeyError
from shopcms.web.errors import refusal
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import _, languages, pick
from shopcms.web.notices import notice
from shopcms.web.security import EDIT

PER_PAGE = 50
#: At most this many images per product.
MAX_IMAGES = 20
THUMB_WIDTH = 64

_manage = {"route_name": "manage", "permission": EDIT}


def _base(request):
    return f"/{request.locale_name}/manage"


def _product_url(request, product, view="edit"):
    return f"{_base(request)}/products/{product.__name__}/{view}"


def _categories(request):
    """``[(name, title)]`` of the categories in the UI language, by position then name."""
    folder = request.root["categories"]
    ordered = sorted(folder.items(), key=lambda item: (item[1].position, item[0]))
    return [(name, pick(category.titles, request)[1] or name) for name, category in ordered]


def _parse(schema, request):
    """The appstruct of ``schema`` for the POSTed fields it declares, or colander.Invalid."""
    cstruct = {child.name: request.POST.get(child.name, colander.null) for child in schema}
    return schema.deserialize(cstruct)


def _first_error(invalid):
    """One message of a colander.Invalid, for a page without a form to put it next to."""
    if invalid.msg is not None:
        return invalid.messages()[0]
    for child in invalid.children:
        return _first_error(child)
    return _("Something in the request was not right.")


# -- the list -------------------------------------------------------------------------


def _text_query(request, text):
    """A hypatia query on the UI language's text index: only words, each quoted."""
    terms = search_terms(text[:MAX_QUERY])
    if terms is None:
        return None
    return Contains(index(request, f"text_{request.locale_name}"), terms)


def _ordered(request, docids):
    """``docids`` by title in the UI language, then by title in the default language (the
    products without a title in the UI language), then the rest."""
    docids = list(docids)
    ordered = []
    seen = set()
    for lang in dict.fromkeys((request.locale_name, languages(request.registry)[0])):
        remaining = [docid for docid in docids if docid not in seen]
        if not remaining:
            break
        for docid in index(request, f"title_{lang}").sort(remaining, raise_unsortable=False):
            ordered.append(docid)
            seen.add(docid)
    ordered.extend(docid for docid in docids if docid not in seen)
    return ordered


def _thumb(request, product):
    if not product.images:
        return None
    image = product.images[0]
    height = max(1, round(image.height * THUMB_WIDTH / max(1, image.width)))
    url = f"/{request.locale_name}/products/{product.__name__}/image/{image.id}/thumb"
    return {"url": url, "width": THUMB_WIDTH, "height": height}


@view_config(context=Products, renderer="shopcms.products:templates/manage/products.pt", **_manage)
def products_list(context, request):
    """All products the requester may see (hidden ones included for editors), searchable."""
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    query = Eq(index(request, "content_type"), "product")
    words = _text_query(request, text) if text else None
    if words is not None:
        query = And(query, words)
    if text and words is None:
        docids = []
    else:
        try:
            docids = search(request, query).ids
        except (ParseError, QueryError):
            docids = []
    ordered = _ordered(request, docids)
    total = len(ordered)
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    resolve = request.root.catalog.resolver(request.root)
    start = (page - 1) * PER_PAGE
    products = [resolve(docid) for docid in ordered[start : start + PER_PAGE]]
    titles = dict(_categories(request))
    rows = [
        {
            "product": product,
            "thumb": _thumb(request, product),
            "categories": [titles.get(name, name) for name in product.categories],
        }
        for product in products
    ]
    return {"rows": rows, "q": text, "total": total, "page": page, "pages": pages}


# -- create and edit ------------------------------------------------------------------


def _product_form(request, with_name):
    langs = languages(request.registry)
    button = ("add", _("Create product")) if with_name else ("save", _("Save"))
    return make_form(
        request,
        partial(product_schema, langs, with_name=with_name),
        (button,),
        action=request.path,
        formid="product",
        categories=_categories(request),
    )


def _product_appstruct(request, product):
    appstruct = {
        "sku": product.sku,
        "price": product.price,
        "vat_rate": vat_value(product.vat_rate),
        "stock": product.stock,
        "stock_seen": product.stock,
        "categories": set(product.categories),
        "published": product.published,
    }
    for lang in languages(request.registry):
        appstruct[lang] = {
            "title": product.titles.get(lang, ""),
            "description": product.descriptions.get(lang, ""),
            "attributes": {key: values.get(lang, "") for key, values in product.attributes.items()},
        }
    return appstruct


def _apply(request, product, appstruct):
    """Write the validated form to ``product`` through its domain methods."""
    product.sku = appstruct["sku"]
    product.set_price(appstruct["price"].quantize(CENT), vat_rate(appstruct["vat_rate"]))
    if appstruct["stock"] != appstruct["stock_seen"]:
        product.set_stock(appstruct["stock"])
    chosen = appstruct["categories"]
    product.categories = tuple(name for name, _title in _categories(request) if name in chosen)
    for lang in languages(request.registry):
        texts = appstruct[lang]
        product.set_texts(lang, texts["title"], texts["description"])
        for key, value in texts["attributes"].items():
            if value or key in product.attributes:
                product.set_attribute(key, lang, value)


def _edit_values(product, form_html, error=None):
    return {"product": product, "form": form_html, "error": error}


@view_config(
    context=Products,
    name="add",
    renderer="shopcms.products:templates/manage/product_edit.pt",
    **_manage,
)
def add_product(context, request):
    form = _product_form(request, with_name=True)
    if request.method != "POST":
        appstruct = {"vat_rate": "21", "stock": 0, "published": True}
        return _edit_values(None, form.render(appstruct))
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _edit_values(None, html)
    product = Product(
        appstruct["sku"],
        appstruct["price"].quantize(CENT),
        vat_rate(appstruct["vat_rate"]),
        published=appstruct["published"],
    )
    _apply(request, product, appstruct)
    try:
        context.add_product(appstruct["name"], product)
    except FolderKeyError as exc:
        request.response.status = 400  # the transaction is aborted: no pid is used up
        return _edit_values(None, form.render(appstruct), error=exc.message)
    product.changed()
    notice(request, _("Product created. You can add its images now."))
    return HTTPSeeOther(location=_product_url(request, product, "images"))


@view_config(
    context=Product,
    name="edit",
    renderer="shopcms.products:templates/manage/product_edit.pt",
    **_manage,
)
def edit_product(context, request):
    form = _product_form(request, with_name=False)
    if request.method != "POST":
        return _edit_values(context, form.render(_product_appstruct(request, context)))
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _edit_values(context, html)
    _apply(request, context, appstruct)
    context.set_visibility(appstruct["published"])
    context.changed()
    notice(request, _("The product was saved."))
    return HTTPSeeOther(location=_product_url(request, context))


# -- images ---------------------------------------------------------------------------


def _images_values(request, product, error=None, alt=None):
    return {
        "product": product,
        "error": error,
        "alt": alt or {},
        "languages": languages(request.registry),
        "max_mb": images.MAX_BYTES // 2**20,
        "max_images": MAX_IMAGES,
    }


@view_config(
    context=Product,
    name="images",
    request_method="GET",
    renderer="shopcms.products:templates/manage/product_images.pt",
    **_manage,
)
def product_images(context, request):
    return _images_values(request, context)


def _refuse_upload(request, product, message, alt=None):
    request.response.status = 400
    return _images_values(request, product, error=message, alt=alt)


@view_config(
    context=Product,
    name="images",
    request_method="POST",
    renderer="shopcms.products:templates/manage/product_images.pt",
    **_manage,
)
def change_images(context, request):
    """Upload an image (field ``image``, ``alt_LANG``) or remove one (``image_id``)."""
    if "image_id" in request.POST:
        return _remove_image(context, request)
    langs = languages(request.registry)
    try:
        alt = _parse(image_alt_schema(langs), request)
    except colander.Invalid as invalid:
        return _refuse_upload(request, context, _first_error(invalid))
    upload = request.POST.get("image")
    if getattr(upload, "file", None) is None or not getattr(upload, "filename", None):
        return _refuse_upload(request, context, _("Choose an image file to upload."), alt)
    if len(context.images) >= MAX_IMAGES:
        return _refuse_upload(
            request,
            context,
            _("A product has at most ${count} images.", mapping={"count": MAX_IMAGES}),
            alt,
        )
    try:
        sizes, dimensions = images.process(images.read_limited(upload.file))
    except images.ImageRejected as exc:
        return _refuse_upload(request, context, exc.message, alt)
    texts = {f"alt_{lang}": lang for lang in langs}
    context.add_image(sizes, dimensions, {texts[k]: v for k, v in alt.items() if v})
    context.changed()
    notice(request, _("The image was added."))
    return HTTPSeeOther(location=_product_url(request, context, "images"))


def _remove_image(context, request):
    try:
        image_id = _parse(RemoveImageSchema(), request)["image_id"]
    except colander.Invalid:
        raise HTTPBadRequest() from None
    if context.image(image_id) is None:
        raise HTTPNotFound()
    context.remove_image(image_id)
    context.changed()
    notice(request, _("The image was removed."))
    return HTTPSeeOther(location=_product_url(request, context, "images"))


# -- stock and visibility ---------------------------------------------------------------


def _action(name):
    return {"context": Product, "name": name, "request_method": "POST", **_manage}


@view_config(renderer="shopcms.web:templates/error.pt", **_action("stock"))
def change_stock(context, request):
    """Set the stock (``stock``) or change it by a signed amount (``adjust``)."""
    try:
        appstruct = _parse(StockSchema(), request)
    except colander.Invalid as invalid:
        return refusal(request, _first_error(invalid))
    if appstruct["stock"] is not None:
        stock = appstruct["stock"]
    else:
        stock = context.stock + appstruct["adjust"]
    try:
        context.set_stock(stock)
    except ValueError:
        return refusal(
            request,
            _(
                "The stock cannot go below zero: there are only ${count} in stock.",
                mapping={"count": context.stock},
            ),
        )
    context.changed()
    notice(request, _("Stock is now ${count}.", mapping={"count": stock}))
    return HTTPSeeOther(location=_product_url(request, context))


@view_config(renderer="shopcms.web:templates/error.pt", **_action("visibility"))
def change_visibility(context, request):
    """Publish (``published=true``) or hide (``false``) the product."""
    try:
        appstruct = _parse(VisibilitySchema(), request)
    except colander.Invalid as invalid:
        return refusal(request, _first_error(invalid))
    published = appstruct["published"] == "true"
    context.set_visibility(published)
    context.changed()
    if published:
        notice(request, _("The product is published: visitors can see it."))
    else:
        notice(request, _("The product is hidden: visitors cannot see or find it."))
    if appstruct["back"] == "list":
        return HTTPSeeOther(location=f"{_base(request)}/products/")
    return HTTPSeeOther(location=_product_url(request, context))


# -- categories -------------------------------------------------------------------------


def _category_form(request, with_name, formid):
    button = ("add", _("Create category")) if with_name else ("save", _("Save"))
    return make_form(
        request,
        partial(category_schema, languages(request.registry), with_name=with_name),
        (button,),
        action=request.path,
        formid=formid,
    )


def _categories_changed(request, category):
    """The catalog reindexes ``category``; the public listing (whose validator is the
    products folder's modification time) shows the new facets."""
    notify(ObjectModified(category))
    request.root["products"].touch()


def _category_counts(request):
    counts = {}
    categories = index(request, "categories")
    for name in request.root["categories"]:
        query = And(Eq(index(request, "content_type"), "product"), Eq(categories, name))
        counts[name] = len(search(request, query))
    return counts


def _categories_values(request, context, form_html, error=None):
    ordered = sorted(context.items(), key=lambda item: (item[1].position, item[0]))
    return {
        "categories": ordered,
        "counts": _category_counts(request),
        "languages": languages(request.registry),
        "form": form_html,
        "error": error,
    }


@view_config(
    context=Categories, renderer="shopcms.products:templates/manage/categories.pt", **_manage
)
def categories_list(context, request):
    """The categories, and the form to create one (POST)."""
    form = _category_form(request, with_name=True, formid="add-category")
    if request.method != "POST":
        return _categories_values(request, context, form.render())
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _categories_values(request, context, html)
    titles = {lang: title for lang, title in appstruct["titles"].items() if title}
    category = Category(titles, appstruct["position"])
    try:
        context.add(appstruct["name"], category)
    except FolderKeyError as exc:
        request.response.status = 400
        return _categories_values(request, context, form.render(appstruct), error=exc.message)
    _categories_changed(request, category)
    notice(request, _("The category was created."))
    return HTTPSeeOther(location=f"{_base(request)}/categories/")


@view_config(
    context=Category,
    name="edit",
    renderer="shopcms.products:templates/manage/category_edit.pt",
    **_manage,
)
def edit_category(context, request):
    form = _category_form(request, with_name=False, formid="category")
    if request.method != "POST":
        appstruct = {"titles": dict(context.titles), "position": context.position}
        return {"category": context, "form": form.render(appstruct)}
    appstruct, html = validate(request, form)
    if appstruct is None:
        return {"category": context, "form": html}
    for lang, title in appstruct["titles"].items():
        if title:
            context.titles[lang] = title
        else:
            context.titles.pop(lang, None)
    context.position = appstruct["position"]
    context.touch()
    _categories_changed(request, context)
    notice(request, _("The category was saved."))
    return HTTPSeeOther(location=f"{_base(request)}/categories/")
