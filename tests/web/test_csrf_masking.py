"""CSRF tokens masked per answer (BREACH, ``shopcms.web.csrf``): the token shown is never the
same twice, and every masked form of the visitor's token is accepted (acceptance 5)."""

import os
import re

from webtest import TestApp

from shopcms.web import csrf
from shopcms.web.csrf import MASKED, PREFIX, mask, unmask
from tests.conftest import PASSWORD, Browser, login, start_session


def tokens_of(page):
    return [i["value"] for i in page.html.select("input[name=csrf_token]")]


def test_a_masked_token_never_repeats_and_unmasks_to_the_token():
    session_token = "0123456789abcdef0123456789abcdef01234567"
    stateless = "s.493210.0123456789abcdef0123456789abcdef"
    for token, kind in ((session_token, MASKED), (stateless, PREFIX)):
        shown = {mask(token) for _ in range(50)}
        assert len(shown) == 50  # a fresh pad every time
        for text in shown:
            assert text.startswith(kind) and re.fullmatch(r"[a-z]\.[\w-]+", text)
            assert token not in text and unmask(text) == token


def test_the_masks_of_one_answer_each_have_their_own_pad():
    # A page's skeleton has a token in several forms: one read of the random source gives
    # each its own pad, so no two forms of one answer show the same text either.
    token = "s.493210.0123456789abcdef0123456789abcdef"
    shown = csrf.masks(token, 5)
    assert len(set(shown)) == 5
    assert all(unmask(text) == token for text in shown)
    assert csrf.masks(token, 0) == []


def test_what_is_not_a_masked_token_unmasks_to_nothing():
    session_token = "0123456789abcdef0123456789abcdef01234567"
    masked = mask(session_token)
    for text in (
        session_token,  # a raw token: checked as it is
        "s.493210.0123456789abcdef",  # a raw stateless token
        "forged",
        "m.",
        "s.",
        "m.!!!",
        masked[:-1],  # an odd number of bytes
        PREFIX + masked[2:],  # a session token passed off as a stateless one
    ):
        assert unmask(text) is None, text


def test_two_answers_to_the_same_session_carry_different_tokens_both_accepted(site, app):
    start_session(app)
    first, second = (tokens_of(app.get("/nl/login")) for _ in range(2))
    assert first and second and set(first).isdisjoint(second)
    # One mask per answer: kept renderings can take the token out again (products.sections).
    assert len(set(first)) == len(set(second)) == 1
    # All are the session's token.
    assert {unmask(token) for token in first + second} == {
        site.registry.shopcms_csrf.sessions.get_csrf_token(_request_of(site, app))
    }
    for token in (first[0], second[-1]):
        app.post("/nl/test-write-ok", {"csrf_token": token}, status=204)
        app.post("/nl/test-write-ok", headers={"X-CSRF-Token": token}, status=204)


def test_the_raw_session_token_is_still_accepted_and_another_sessions_is_not(site, app):
    start_session(app)
    raw = unmask(tokens_of(app.get("/nl/login"))[0])
    app.post("/nl/test-write-ok", {"csrf_token": raw}, status=204)
    other = Browser(site.wsgi)
    start_session(other)
    stranger = tokens_of(other.get("/nl/login"))[0]
    app.post("/nl/test-write-ok", {"csrf_token": stranger}, status=400)
    altered = raw[:-1] + ("1" if raw.endswith("0") else "0")
    app.post("/nl/test-write-ok", {"csrf_token": mask(altered)}, status=400)


def test_the_stateless_token_is_masked_too_and_accepted_from_this_site(site, app):
    """A visitor without a session: two answers, two different stateless tokens, both
    valid (with this site's Origin, which the test browser sends like every browser)."""
    first, second = (tokens_of(app.get("/nl/login")) for _ in range(2))
    assert set(first).isdisjoint(second)
    policy = site.registry.shopcms_csrf
    for token in (first[0], second[0]):
        assert token.startswith(PREFIX) and policy.valid_stateless(unmask(token))
    assert "session" not in app.cookies
    app.post("/nl/test-write-ok", {"csrf_token": first[0]}, status=204)
    app.post("/nl/test-write-ok", {"csrf_token": second[0]}, status=204)
    app.post("/nl/test-write-ok", {"csrf_token": policy.stateless_token()}, status=204)
    # Not from another site, masked or not.
    for token in (second[0], policy.stateless_token()):
        app.post(
            "/nl/test-write-ok",
            {"csrf_token": token},
            headers={"Origin": "https://evil.example"},
            status=400,
        )


def test_validators_read_the_unmasked_token(site, app):
    """What must not change from one answer to the next (an ETag) reads ``raw_token``."""
    start_session(app)
    request = _request_of(site, app)
    assert csrf.raw_token(request) == csrf.raw_token(request)
    assert csrf.raw_token(request) == unmask(request.registry.shopcms_csrf.get_csrf_token(request))


def _request_of(site, app):
    """A Pyramid request carrying ``app``'s cookies (its session)."""
    from pyramid.request import Request, apply_request_extensions

    cookies = "; ".join(f"{c.name}={c.value}" for c in app.cookiejar)
    request = Request.blank("/nl/", headers={"Cookie": cookies})
    request.registry = site.registry
    apply_request_extensions(request)
    return request


def test_no_secret_is_shown_beside_what_a_visitor_sends(site, app):
    """The BREACH audit's check: with text of the visitor's choosing reflected in the page
    (a search, filters, a page to come back to), a logged-in customer's pages never show
    the raw session token nor the session cookie; the CSRF tokens are all masked."""
    site.add_account("breach@example.be")
    login(app, "breach@example.be", PASSWORD)
    secrets = {c.value for c in app.cookiejar if c.name == "session"}
    secrets.add(unmask(tokens_of(app.get("/nl/account/"))[0]))
    assert all(secrets)
    for path in (
        "/nl/products/?q=mug+s.&sort=price",
        "/nl/products/?category=zzz&min=1&max=99",
        "/nl/products/mug-cafe?came_from=/nl/zz",
        "/nl/cart",
        "/nl/account/",
        "/nl/login?came_from=/nl/products/",
        "/nl/?x=csrf_token",
    ):
        page = app.get(path, status="*")
        for secret in secrets:
            assert secret not in page.text, path
        assert all(unmask(token) for token in tokens_of(page)), path


def test_a_forked_process_does_not_reuse_its_parents_pads():
    # The pads come from a buffer of the random source (one read serves many answers): a
    # child process (a server forked after start-up) must not mask with the same bytes.
    token = "s.493210.0123456789abcdef0123456789abcdef"
    csrf.masks(token, 1)  # the buffer is filled
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        os.write(writing, " ".join(csrf.masks(token, 3)).encode())
        os._exit(0)
    os.waitpid(child, 0)
    theirs = os.read(reading, 4096).decode().split()
    ours = csrf.masks(token, 3)
    assert len(theirs) == 3 and set(theirs).isdisjoint(ours)
    assert {unmask(text) for text in theirs + ours} == {token}


def test_visitors_without_cookies_never_get_the_same_masked_token(site):
    # Their parts (the wishlist and compare buttons' forms) are rendered once for all:
    # the tokens in them are masked anew for each answer, as the page's own.
    first, second = (tokens_of(TestApp(site.wsgi).get("/nl/products/mug-cafe")) for _ in "12")
    assert len(first) == len(second) >= 3
    assert set(first).isdisjoint(second)
    assert len({unmask(token) for token in first + second}) == 1
