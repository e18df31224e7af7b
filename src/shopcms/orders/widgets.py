"""The deform widgets of the orders' forms that shopcms's own (``web/templates/deform/``)
do not cover: templates in ``shopcms.orders:templates/deform/``, named by asset spec (deform
loads a name with a colon as a package resource, extension included).

- :class:`ChoicesWidget`: radio buttons in a fieldset with a legend, each choice with a
  price or "free" (shipping), or said to be a saved payment method;
- :class:`TermsWidget`: the "I accept the terms" box, whose label links to the terms;
- :class:`BoxWidget`: a box in a fieldset of its own, its explanation below it;
- :class:`HiddenMappingWidget`: a mapping (an address) carried by hidden fields only.

The first three render their whole item (category ``structural``: the item template leaves
the label to them) and keep what shopcms's templates do: the required mark, the message
next to the field with ``aria-invalid`` and ``aria-describedby``, and the id ``FORMID-FIELD``
on the element the error summary links to.
"""

from dataclasses import dataclass

import colander
import deform

TEMPLATES = "shopcms.orders:templates/deform/"


@dataclass(frozen=True)
class Choice:
    """One radio button: ``value`` is posted, ``title`` shown; ``price`` (formatted) is
    shown after it, or "free" when ``free``; ``saved`` says "Pay with your saved TITLE"."""

    value: str
    title: object
    price: str | None = None
    free: bool = False
    saved: bool = False


class ChoicesWidget(deform.widget.Widget):
    """Radio buttons posted under the field's own name (one choice of :class:`Choice`)."""

    template = TEMPLATES + "choices.pt"
    category = "structural"
    choices = ()
    null_value = ""

    def serialize(self, field, cstruct, **kw):
        if cstruct in (colander.null, None):
            cstruct = self.null_value
        return field.renderer(self.template, **self.get_template_values(field, cstruct, kw))

    def deserialize(self, field, pstruct):
        if pstruct in (colander.null, self.null_value):
            return colander.null
        if not isinstance(pstruct, str):
            raise colander.Invalid(field.schema, "Pstruct is not a string")
        return pstruct


class TermsWidget(deform.widget.CheckboxWidget):
    """The terms box; ``terms_url`` is the page its label links to."""

    template = TEMPLATES + "terms.pt"
    category = "structural"
    terms_url = ""


class BoxWidget(deform.widget.CheckboxWidget):
    """A check box in a fieldset with ``legend``, the field's description below the box."""

    template = TEMPLATES + "box.pt"
    category = "structural"
    legend = ""


class HiddenMappingWidget(deform.widget.MappingWidget):
    """A mapping whose fields are all hidden: only its values, no fieldset."""

    template = TEMPLATES + "hidden_mapping.pt"
    hidden = True


def hide(node):
    """Make ``node`` and everything below it hidden fields (its values carried along)."""
    if node.children:
        node.widget = HiddenMappingWidget()
        for child in node.children:
            hide(child)
    else:
        node.widget = deform.widget.HiddenWidget()
