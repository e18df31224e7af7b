"""Against bots, without a third-party CAPTCHA: the honeypot and a limit per client.

- The entry form has a field people never see (``schemas.HONEYPOT``): a form that comes
  with it filled in is a bot's.  It gets the same "check your mail" answer as a person
  (nothing tells it that it was found out), but nothing is stored and no mail is sent.
- :data:`ENTRIES` allows :data:`PER_HOUR` entries an hour per client (``web.limits``: a
  keyed hash of its address, in memory, per process); beyond, a 429 says to wait.  A
  household behind one address enters once anyway; ten leaves room for typing mistakes.
"""

from shopcms.contests.schemas import HONEYPOT
from shopcms.web.i18n import _
from shopcms.web.limits import Throttle, client

PER_HOUR = 10
ENTRIES = Throttle(PER_HOUR, 3600)
#: Salts the client's hash: the contests' limit cannot be joined with the reviews'.
PURPOSE = "shopcms.contests.client"
TOO_MANY = _(
    "This form was sent too often from your connection in the last hour. Please wait an hour "
    "and try again."
)


def is_bot(request):
    """Did the POST fill in the honeypot?"""
    return bool(str(request.POST.get(HONEYPOT, "")).strip())


def allow_entry(request):
    """Count one entry of this client; False once over the hour's limit."""
    return ENTRIES.allow(client(request, PURPOSE))
