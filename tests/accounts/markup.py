"""Checks of the markup the forms of accounts share: unique ids, labels tied to their own
form's fields, and the error summary of a refused form."""

from collections import Counter


def forms_of(page):
    """Each form of ``page`` once (WebTest lists a form with an id by position and by id)."""
    return list({id(form): form for form in page.forms.values()}.values())


def assert_ids_unique(page):
    """No id appears twice on ``page`` (a WebTest response)."""
    ids = Counter(tag["id"] for tag in page.html.select("[id]"))
    assert [name for name, count in ids.items() if count > 1] == []


def assert_labels_point_into_their_forms(page):
    """Every label of every form of the page's content names, with ``for``, a field of
    that same form."""
    for form in page.html.select("main form"):
        fields = {tag["id"] for tag in form.select("input[id], select[id], textarea[id]")}
        for label in form.select("label"):
            assert label.get("for") in fields, (form.get("id"), label)


def assert_error_summary(page, formid, fields):
    """``page`` shows the form ``formid`` refused: its error summary (``role=alert``) links
    to each field of ``fields`` (names, in order), and each of those is marked invalid and
    described by its error message."""
    assert page.status_int == 400
    form = page.html.select_one(f"form#{formid}")
    summary = form.select_one(".error-summary[role=alert]")
    assert summary is not None
    expected = [f"{formid}-{name}".replace("_", "-") for name in fields]
    assert [a["href"] for a in summary.select("a")] == [f"#{oid}" for oid in expected]
    for oid in expected:
        field = form.select_one(f"#{oid}")
        assert field["aria-invalid"] == "true", oid
        error = form.select_one(f"#{oid}-error")
        assert error is not None and error.get_text(strip=True), oid
        assert f"{oid}-error" in field["aria-describedby"].split(), oid
