"""Who may log in, and the sessions of an account.

The rules of logging in, whatever page asks:

- failures are counted per account and per client address, or per device for a browser
  that holds the account's device cookie (:mod:`shopcms.accounts.throttle`,
  :mod:`shopcms.accounts.devices`): while a delay runs, :class:`Throttled` says for how
  long, and nothing is checked;
- an unknown email costs the same time as a wrong password (a dummy hash check) and gets
  the same answer;
- every page that asks the password again (account security, deleting the account) or a
  code of the second factor counts its wrong answers toward the same throttle, so none of
  them can be used to guess;
- an account with the second factor on is not logged in by its password: the session then
  holds only a *pending* login under :data:`PENDING` (account id, deadline, where to go), a
  key the security policy never reads, until the code is right or
  :data:`PENDING_SECONDS` have passed.

Logging in (:func:`log_in`) and the "fresh session" after a change of credentials
(:func:`fresh_session`) write on the account: call them from a POST.
"""

from pyramid.csrf import new_csrf_token
from pyramid.security import remember

from shopcms.accounts import devices, totp
from shopcms.accounts.passwords import verify_password
from shopcms.accounts.resources import normalise_email
from shopcms.privacy.consent import remember_returning_customer
from shopcms.web.i18n import ngettext
from shopcms.web.security import SESSION_SECOND_FACTOR, LoggedIn
from shopcms.web.urls import local_path

#: Session key of a login waiting for its second factor (not an identity: see above).
PENDING = "auth.pending"
#: Seconds the code of the second step may take.
PENDING_SECONDS = 5 * 60


class Throttled(Exception):
    """Too many failures: no check is made for ``wait`` seconds."""

    def __init__(self, wait):
        super().__init__(wait)
        self.wait = wait


def too_many(wait, request):
    """The message for a throttled attempt (``wait`` seconds, shown in whole minutes), in
    the request's language."""
    minutes = max(1, (wait + 59) // 60)
    return ngettext(
        "Too many failed attempts. For your security, logging in is paused: "
        "please try again in ${count} minute.",
        "Too many failed attempts. For your security, logging in is paused: "
        "please try again in ${count} minutes.",
        minutes,
        request,
    )


def _client(request):
    return request.client_addr or "unknown"


def _throttle(request):
    return request.registry.shopcms_login_throttle


def _now(request):
    return request.now.timestamp()


def check_throttle(request, email, account=None):
    """Raise :class:`Throttled` while this attempt on ``email`` may not be checked: per
    device when this browser holds a device cookie of ``account``, else per account and
    per client address."""
    trusted = devices.trusted_nonce(request, account)
    wait = _throttle(request).wait_seconds(email, _client(request), _now(request), trusted)
    if wait:
        raise Throttled(wait)


def count_failure(request, email, account=None):
    trusted = devices.trusted_nonce(request, account)
    _throttle(request).failed(email, _client(request), _now(request), trusted)


def authenticate(request, customers, email, password):
    """The active account with this email and password, or None (counted as a failure).

    Raises :class:`Throttled` first when attempts are paused.
    """
    email = normalise_email(email)
    account = customers.find(email)
    check_throttle(request, email, account)
    if account is not None and account.active:
        ok = account.check_password(password)
    else:
        verify_password(None, password)  # same cost as a real check
        ok = False
    if not ok:
        count_failure(request, email, account)
        return None
    return account


def confirm_password(request, account, password):
    """True if ``password`` is the account's; a wrong one counts toward the throttle.

    Raises :class:`Throttled` while attempts are paused.
    """
    check_throttle(request, account.email, account)
    if account.check_password(password):
        return True
    count_failure(request, account.email, account)
    return False


def confirm_code(request, account, code):
    """True if ``code`` is a current, unused code of the account's second factor; a wrong
    one counts toward the throttle (the caller checks the throttle first)."""
    if totp.check(request.registry, account, code, request.now):
        return True
    count_failure(request, account.email, account)
    return False


def log_in(request, account, second_factor=False):
    """Start a session for ``account``.

    ``second_factor``: the login was confirmed by a code of the account's second factor
    (staff reach the management area only then, see ``shopcms.web.security``).  The
    visitor's cookie lists move onto the account (``LoggedIn``); the login counters of the
    account and of this device are reset, and the browser gets a new device cookie; with
    functional cookies allowed, the browser will recognise a returning customer.
    """
    _throttle(request).succeeded(account.email, devices.trusted_nonce(request, account))
    remember(request, account.__name__)
    if second_factor:
        request.session[SESSION_SECOND_FACTOR] = True
    request.add_response_callback(lambda req, response: devices.issue(req, response, account))
    request.registry.notify(LoggedIn(request, account))
    remember_returning_customer(request)


def landing(request, account, came_from=None):
    """Where a login goes: staff who must still set up their second factor to its page;
    else ``came_from`` if it is on this site, else the management area for staff or the
    home page."""
    if second_factor_missing(request, account):
        return request.account_link("security")
    target = local_path(came_from)
    if target is not None:
        return target
    # request.identity was computed before the login: decide from the account itself.
    return request.manage_link() if account.is_staff else request.link()


def second_factor_missing(request, account):
    """True when ``account`` is staff, the site requires a second factor of staff, and
    this session was not confirmed by one: the management area stays closed."""
    return (
        account.is_staff
        and request.registry.shopcms_security.staff_second_factor
        and not request.session.get(SESSION_SECOND_FACTOR)
    )


def fresh_session(request, account):
    """End every session of ``account`` and give this browser a new one: other devices are
    logged out, and a copy of this browser's previous cookie is worth nothing."""
    confirmed = request.session.get(SESSION_SECOND_FACTOR)
    account.end_sessions()
    remember(request, account.__name__)
    if confirmed:  # the same person, still confirmed by the second factor
        request.session[SESSION_SECOND_FACTOR] = True


# -- the second step ---------------------------------------------------------------------


def start_second_step(request, account, came_from):
    """Keep a pending login for ``account`` until its code is given (see the module)."""
    request.session[PENDING] = {
        "u": account.__name__,
        "until": int(request.now.timestamp()) + PENDING_SECONDS,
        "to": local_path(came_from) or "",
    }
    # The session starts here: the code's form must carry its token, as the browser will
    # send the session cookie with it (a stateless token is refused then).
    new_csrf_token(request)


def pending_account(request):
    """The account of the login waiting for its code, or None (none, lapsed, gone)."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if request.now.timestamp() > pending.get("until", 0):
        return None
    account = request.root["customers"].get(pending.get("u"))
    if account is None or not account.active or not totp.is_on(account):
        return None
    return account


def pending_target(request):
    """Where the pending login was going (a local path, or "")."""
    pending = request.session.get(PENDING)
    return pending.get("to", "") if isinstance(pending, dict) else ""


def drop_pending(request):
    request.session.pop(PENDING, None)
