"""Markdown to sanitised HTML."""

from shopcms.web.richtext import render, sanitise, text_hash


def test_markdown_basics_survive():
    html = render(
        "## Title\n\nSome **bold** and *italic* and [a link](https://example.org).\n\n- one\n- two"
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    assert "<li>one</li>" in html


def test_raw_html_is_text_not_markup():
    html = render("<b onclick=x>hi</b> <script>alert(1)</script>")
    assert "<script" not in html and "<b" not in html
    assert "&lt;script&gt;" in html


def test_sanitise_strips_what_is_not_allowed():
    dirty = '<p onclick="x">a</p><a href="javascript:alert(1)">b</a><img src=x onerror=y><h1>c</h1>'
    clean = sanitise(dirty)
    assert "onclick" not in clean and "javascript" not in clean and "<img" not in clean
    assert "<h1>" not in clean and "c" in clean


def test_hash_identifies_exact_text():
    assert text_hash("a", "b") == text_hash("a", "b")
    assert text_hash("a", "b") != text_hash("a", "b ")
