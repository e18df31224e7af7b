"""Who did something, as a person reads it: the titles of the system's actors.

Histories store an actor as an id: an account id, or a name of the system such as
``system:mollie`` (an order paid by Mollie's call), ``system:content`` (a page loaded from
the seed content), ``guest``.  Those names are for the code; a page shows a title in the
reader's language instead.  A capability that records an actor of its own declares its
title where it records it::

    config.add_actor_title("system:mollie", _("Mollie (payment provider)"))

- :func:`actor_title`: the declared title of ``actor``, translated, or None;
- :func:`who`: what a staff page shows: a declared title, else the e-mail address of the
  account with that id (staff or customer, as before), else the id as stored (an actor
  nobody declared is still shown, never hidden).

Reading only: nothing here writes to the database.
"""

from pyramid.traversal import find_root


def actor_title(request, actor):
    """The declared title of ``actor`` in the request's language; None when undeclared."""
    title = request.registry.shopcms_actor_titles.get(actor) if actor else None
    return request.localizer.translate(title) if title is not None else None


def who(request, actor):
    """``actor`` for a staff page: its declared title, an account's e-mail address, or the
    id as stored.  ``None`` (an anonymous request) stays None."""
    title = actor_title(request, actor)
    if title is not None or not actor:
        return title
    customers = find_root(request.root).get("customers")
    account = customers.get(actor) if customers is not None else None
    return account.email if account is not None else actor


def add_actor_title(config, actor, title):
    """Config directive: histories show ``title`` (a TranslationString) for ``actor``."""
    titles = config.registry.shopcms_actor_titles
    if actor in titles and titles[actor] != title:
        raise ValueError(f"the actor {actor!r} has two titles")
    titles[actor] = title


def includeme(config):
    config.registry.shopcms_actor_titles = {}
    config.add_directive("add_actor_title", add_actor_title)
