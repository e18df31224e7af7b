"""The product desk's forms are deform forms: what the domain refuses comes back on the form
(400, the error linked to its field), every id on a page is unique, and the desk's search
keeps its address short."""

from collections import Counter

from tests.products.test_manage_products import (
    SEED_CATEGORY,
    SEED_PRODUCT,
    create_product,
    editor,  # noqa: F401 (a fixture)
    image_bytes,
    stored,
    upload,
)


def duplicated_ids(page):
    counts = Counter(element["id"] for element in page.html.select("[id]"))
    return [name for name, count in counts.items() if count > 1]


def summary_links(response, formid):
    summary = response.html.select_one(f"form#{formid} .error-summary[role=alert]")
    return [a["href"] for a in summary.select("a[href]")]


def test_a_stock_below_zero_is_refused_on_its_field(site, editor):  # noqa: F811
    form = editor.get(f"/nl/manage/products/{SEED_PRODUCT}/edit").forms["stock-adjust"]
    form["adjust"] = "-23"
    refused = form.submit(status=400)
    assert summary_links(refused, "stock-adjust") == ["#stock-adjust-adjust"]
    assert refused.html.select_one("#stock-adjust-adjust")["aria-invalid"] == "true"
    assert refused.html.select_one("form#product") is not None  # the whole page again
    assert stored(site, SEED_PRODUCT, "stock") == 22


def test_a_refused_image_is_reported_on_the_file_field(site, editor):  # noqa: F811
    response = upload(editor, SEED_PRODUCT, "x.gif", image_bytes("GIF"), "image/gif")
    assert response.status_int == 400
    assert summary_links(response, "upload") == ["#upload-image"]
    assert response.html.select_one("#upload-image")["type"] == "file"


def test_a_taken_name_is_refused_on_its_field(site, editor):  # noqa: F811
    response = create_product(editor, name=SEED_PRODUCT)
    assert response.status_int == 400
    assert summary_links(response, "product") == ["#product-name"]
    form = editor.get("/nl/manage/categories/").forms["add-category"]
    form["name"] = SEED_CATEGORY
    form["nl"] = "Dubbel"
    refused = form.submit("add", status=400)
    assert summary_links(refused, "add-category") == ["#add-category-name"]


def test_the_desks_pages_have_unique_ids(site, editor):  # noqa: F811
    for path in (
        "/nl/manage/products/",
        f"/nl/manage/products/{SEED_PRODUCT}/edit",
        f"/nl/manage/products/{SEED_PRODUCT}/images",
        "/nl/manage/categories/",
    ):
        assert duplicated_ids(editor.get(path)) == [], path


def test_the_desks_search_keeps_only_its_words(site, editor):  # noqa: F811
    page = editor.get("/nl/manage/products/")
    form = page.forms["desk-search"]
    form["q"] = "SC-1001"
    result = form.submit()
    assert result.request.path_qs == "/nl/manage/products/?q=SC-1001"
    names = [row["data-name"] for row in result.html.select("table.products tbody tr")]
    assert names == [SEED_PRODUCT]
