"""The default meta description: the start of a text, cut on a word."""

from shopcms.findability.api import chosen_or_summary, plain_text, summary


def test_plain_text_reads_markup_and_entities_and_folds_spaces():
    html = "<h2>Verzorging</h2><p>Water &amp; licht,<br>weinig.</p><ul><li>één</li></ul>"
    assert plain_text(html) == "Verzorging Water & licht, weinig. één"


def test_a_short_text_is_its_own_summary():
    assert summary("<p>Een kleine cactus.</p>") == "Een kleine cactus."
    assert summary("<p> </p>") is None and summary("") is None


def test_a_long_text_is_cut_on_a_word_with_an_ellipsis():
    words = " ".join(["woordje"] * 40)
    cut = summary(f"<p>{words}</p>")
    assert len(cut) <= 155 and cut.endswith("woordje…")
    assert words.startswith(cut.removesuffix("…"))
    # A word that ends right at the limit is kept whole.
    assert summary("a" * 150 + " bbb cc") == "a" * 150 + " bbb…"
    assert summary("a" * 150 + " bbbb cc") == "a" * 150 + "…"
    assert summary("x" * 400) == "x" * 154 + "…"


def test_the_editors_description_wins_over_the_summary():
    assert chosen_or_summary("  Eigen   tekst ", "<p>Iets anders</p>") == "Eigen tekst"
    assert chosen_or_summary("", "<p>Iets anders</p>") == "Iets anders"
