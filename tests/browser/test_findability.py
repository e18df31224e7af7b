"""The head's structured data in a real browser: the JSON-LD blocks are data, not script,
so the Content-Security-Policy (no 'unsafe-inline') lets them be and reports nothing; the
browser reads them as JSON and uses the favicon."""

import json


def test_json_ld_is_read_by_the_browser_without_a_csp_report(new_context, browser_log):
    page = new_context().new_page()
    for path, kind in (("/nl/products/mug-cafe", "Product"), ("/fr/", "Organization")):
        response = page.goto(path)
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        texts = page.eval_on_selector_all(
            'script[type="application/ld+json"]', "blocks => blocks.map(b => b.textContent)"
        )
        assert [json.loads(text)["@type"] for text in texts] == [kind]
        assert page.eval_on_selector("link[rel=canonical]", "link => link.href").endswith(path)
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/x-icon"
    # A blocked inline script would be a console error ("Refused to execute inline
    # script..."): there is none.
    browser_log.assert_clean()
