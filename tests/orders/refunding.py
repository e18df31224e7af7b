"""Refunding through the order desk's refund panel, as staff do: fill in the form, review,
confirm (``shopcms.orders.views.manage_refunds``)."""


def refund_form(page):
    """The refund form of an order's desk page (None when it is not offered)."""
    return page.forms.get("refund")


def review(
    admin,
    number,
    lines=None,
    *,
    shipping=False,
    reason="Returned",
    goods=None,
    account=None,
    lang="en",
    status=200,
):
    """Fill in the refund form of order ``number`` (``lines``: ``{line index: qty}``, all
    of every line when None) and send it for review; the review page (or the refusal)."""
    form = refund_form(admin.get(f"/{lang}/manage/orders/{number}"))
    assert form is not None, "no refund form"
    names = [name for name in form.fields if name.startswith("line_")]
    for name in names:
        index = int(name.removeprefix("line_"))
        if lines is None:
            form[name] = form[name].attrs["max"]
        else:
            form[name] = str(lines.get(index, 0))
    if "shipping" in form.fields:
        form["shipping"] = shipping
    if goods is not None:
        form["goods_returned"] = goods
    form["reason"] = reason
    if account is not None:
        form["holder"], form["iban"] = account
    return form.submit("review", status=status)


def confirm(page, status=303):
    """Confirm the refund the review ``page`` shows."""
    assert "refund-confirm" in page.forms, page.text[-3000:]
    return page.forms["refund-confirm"].submit("refund", status=status)


def refund_in_full(admin, number, reason="Returned", account=None, lang="en"):
    """Refund everything left of order ``number`` (shipping too); the confirmation's answer."""
    page = review(admin, number, None, shipping=True, reason=reason, account=account, lang=lang)
    return confirm(page)
