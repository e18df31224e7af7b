"""The contests' public forms: the entry and the confirmation's button.

Only these fields are read from a POST.  The entry (:class:`EntrySchema`, bound with
``request`` and ``contest``):

- ``name``, ``address`` (the checkout's address and its validation,
  ``orders.api.AddressSchema``, its countries limited to the contest's ``countries``),
  ``email``;
- ``answer``: the skill question, radio buttons of the choices in the page's language for
  a multiple-choice question (the choice's number is posted: it means the same in every
  language), a text field for a short answer;
- ``estimate``: the tie-breaker, a whole number from 0;
- ``adult`` and ``rules``: both boxes must be ticked (18 or older; the rules accepted,
  the label links to the rules page);
- ``newsletter``: never ticked in advance and never a condition of entering: a tick only
  asks the newsletter for a subscription, which its own confirmation mail must confirm;
- ``c``: the campaign tag of the link the visitor came by (hidden; anything malformed
  counts as no tag, ``entries.clean_tag``);
- :data:`HONEYPOT`: a field people do not see (visually hidden, ``aria-hidden``, out of
  the tab order, no autocomplete): only a bot fills it in.

There is no field that says how winners are chosen: a contest is won by skill and the
tie-breaker (``ranking``), never by a draw.
"""

import colander
import deform

from shopcms.contests.answers import CHOICE
from shopcms.contests.entries import COUNTRY
from shopcms.orders.api import AddressSchema
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import Text, email_node, strip
from shopcms.web.i18n import _, pick
from shopcms.web.layout import territories

#: The honeypot's name: a word a form-filling bot fills in without thinking.
HONEYPOT = "website"
#: The largest estimate accepted (a tie-breaker is a count, not a phone number).
ESTIMATE_MAX = 10**9
TEMPLATES = "shopcms.contests:templates/deform/"


class RulesWidget(deform.widget.CheckboxWidget):
    """The "I accept the contest rules" box, whose label links to ``rules_url``."""

    template = TEMPLATES + "rules.pt"
    category = "structural"
    rules_url = ""


class HoneypotWidget(deform.widget.TextInputWidget):
    """A text field people never see nor reach (see the module)."""

    template = TEMPLATES + "honeypot.pt"
    category = "structural"


class EntryAddress(AddressSchema):
    """The checkout's address, its countries those of the bound ``contest``."""

    def after_bind(self, node, kw):
        super().after_bind(node, kw)
        countries = tuple(kw["contest"].countries)
        names = territories(kw["request"].locale_name)
        country = node["country"]
        country.validator = colander.OneOf(countries, msg_err=COUNTRY)
        country.widget = deform.widget.SelectWidget(
            values=[(code, names.get(code, code)) for code in countries],
            attributes={"autocomplete": "shipping country"},
        )
        if len(countries) == 1:
            country.default = countries[0]


def _ticked(message):
    def validator(node, value):
        if value is not True:
            raise colander.Invalid(node, message)

    return validator


def _choices(contest, request):
    """The multiple-choice answers in the page's language: ``[(number, text)]``."""
    __, text = pick(contest.texts, request)
    return [(str(number), choice) for number, choice in enumerate(text.choices if text else ())]


@colander.deferred
def _rules_widget(node, kw):
    request = kw["request"]
    return RulesWidget(rules_url=request.link(kw["contest"], "rules"))


class EntrySchema(CSRFSchema):
    """An entry (see the module); bind ``request`` and ``contest``."""

    name = colander.SchemaNode(
        Text(),
        title=_("Your name"),
        preparer=strip,
        validator=colander.Length(min=1, max=120),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "name"}),
    )
    address = EntryAddress(title=_("Your postal address"))
    email = email_node(
        _("Your email address"),
        _("We mail you a link: your entry counts once you have followed it."),
    )
    answer = colander.SchemaNode(Text(), preparer=strip)
    estimate = colander.SchemaNode(
        colander.Integer(),
        validator=colander.Range(
            min=0, max=ESTIMATE_MAX, min_err=_("Give a whole number, 0 or more.")
        ),
        widget=deform.widget.TextInputWidget(
            attributes={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
        ),
    )
    adult = colander.SchemaNode(
        colander.Boolean(),
        title=_("I am 18 or older"),
        validator=_ticked(_("Only people aged 18 or older may take part.")),
    )
    rules = colander.SchemaNode(
        colander.Boolean(),
        title=_("The contest rules"),
        validator=_ticked(_("Please accept the contest rules to take part.")),
        widget=_rules_widget,
    )
    newsletter = colander.SchemaNode(
        colander.Boolean(),
        title=_("Also send me the Soft Cactus newsletter (you confirm it by mail)"),
        description=_("Not needed to take part; you can unsubscribe at any time."),
        missing=False,
        default=False,
    )
    c = colander.SchemaNode(Text(), widget=deform.widget.HiddenWidget(), missing="")
    website = colander.SchemaNode(
        Text(),
        title=_("Leave this field empty"),
        widget=HoneypotWidget(),
        missing="",
    )

    def after_bind(self, node, kw):
        contest, request = kw["contest"], kw["request"]
        __, text = pick(contest.texts, request)
        answer, estimate = node["answer"], node["estimate"]
        answer.title = (text.question if text else "") or _("Your answer")
        estimate.title = (text.tiebreak if text else "") or _("Your estimate")
        estimate.description = _("A whole number: the closest estimate wins a tie.")
        if contest.kind == CHOICE:
            choices = _choices(contest, request)
            answer.widget = deform.widget.RadioChoiceWidget(values=choices)
            answer.validator = colander.OneOf(
                [value for value, __ in choices], msg_err=_("Choose one of the answers.")
            )
        else:
            answer.widget = deform.widget.TextInputWidget(attributes={"autocomplete": "off"})
            answer.validator = colander.Length(min=1, max=200)


class ButtonSchema(CSRFSchema):
    """A form of one button (confirm the entry): the token is in the page's address."""
