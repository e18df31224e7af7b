"""The shop's layout around every mail :func:`shopcms.mail.compose` makes, so each package's
templates hold only what their mail says.

HTML: the template's document keeps its language and title; its body is set in the layout
(``templates/layout.pt``): the shop's wordmark (text in the shop's green, never an image:
the newsletter's campaigns carry none), the content on white, and a footer with the
company's details.  Styles are inline attributes, as mail programs read them (the site's
Content-Security-Policy concerns web pages, not mails).  Text: the body, then a signature
(``-- `` on a line of its own, which mail programs recognise) with the same details.

The company's details are the settings ``shopcms.company.*`` (:mod:`shopcms.web.company`).
"""

import re

from pyramid.renderers import render

from shopcms.web.company import Company  # noqa: F401  (it was first defined here)

LAYOUT = "shopcms.mail:templates/layout.pt"

#: The shop's colours in mails (``web/static/style.css``: ``--green``, ``--sand``,
#: ``--ink``, ``--muted``): each passes 4.5:1 against the background it is used on.
COLOURS = {"green": "#2f6b4f", "sand": "#f6f3ec", "ink": "#1d2521", "muted": "#5b665f"}

_HTML = re.compile(r"<html\b[^>]*\blang=\"([^\"]*)\"", re.I)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.I | re.S)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.I | re.S)


def html(document, request, company):
    """The HTML ``document`` a mail template rendered, set in the shop's layout (rendered
    with ``request``, the mail's own, in its language)."""
    lang = _HTML.search(document)
    title = _TITLE.search(document)
    body = _BODY.search(document)
    values = {
        "lang": lang.group(1) if lang else request.locale_name,
        # Both were rendered (and escaped) by the template: the layout shows them as they are.
        "title": title.group(1).strip() if title else company.brand,
        "content": body.group(1) if body else document,
        "company": company,
        "footer": company.lines(request.localizer.translate),
        "colours": COLOURS,
    }
    return render(LAYOUT, values, request=request)


def text(body, request, company):
    """The plain text ``body`` with the signature of the company's details."""
    footer = "\n".join(company.lines(request.localizer.translate))
    return f"{body.rstrip()}\n\n-- \n{footer}\n"
