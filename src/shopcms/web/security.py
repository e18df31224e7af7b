"""Who is asking, and what they may do.

Permission names and roles live here and nowhere else.  Identity comes from the signed
session: at login the session is replaced by a fresh one holding the account id, a new
random session id that the account records server-side, and the login time.  A session is
honoured only while

- the account exists and is active,
- the account still lists the session id (logout, a password change or "log out
  everywhere" remove it: the session ends server-side even though the cookie is held by
  the browser and could be replayed), and
- the login is younger than the absolute timeout (``shopcms.session.absolute_timeout``);
  the idle timeout is the session factory's own ``timeout``.

Authorization is Pyramid's ACLHelper over the principals ``system.Everyone``,
``system.Authenticated``, ``user:<id>`` and ``role:<name>``.

Staff need a second factor (``shopcms.login.staff_second_factor``, true by default): the
roles of :data:`STAFF_ROLES` count only in a session whose login was confirmed by a code
(the login puts :data:`SESSION_SECOND_FACTOR` in it).  A staff member who logged in with
the password alone is a customer until they set up their second factor.
"""

import time

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.settings import asbool
from pyramid.traversal import find_root

from shopcms.web.i18n import _

# -- permissions ---------------------------------------------------------------
VIEW = "view"  #: see a public resource
MANAGE = "manage"  #: enter the management area
MANAGE_USERS = "manage-users"  #: list accounts, grant and revoke roles
EDIT = "edit"  #: create and change pages and products
MODERATE = "moderate"  #: approve or reject reviews
OWN_REVIEW = "own-review"  #: change or withdraw one's own review
MANAGE_ORDERS = "manage-orders"  #: work the order desk: mark paid, ship, cancel unpaid
REFUND_ORDERS = "refund-orders"  #: refund paid orders (money goes back: administrators)
ACCOUNT = "account"  #: use one's own customer account pages
VIEW_STATISTICS = "view-statistics"  #: read the anonymous connection statistics
#: read a contest's entries, close it, confirm and announce its winners (administrators,
#: and the editor who made the contest: its ACL)
JUDGE_CONTESTS = "judge-contests"
#: granted to no one: what only the system does, never a person (a workflow transition a
#: subscriber makes, which no page offers as a button)
SYSTEM_ONLY = "system-only"

# -- roles ---------------------------------------------------------------------
CUSTOMER = "customer"
EDITOR = "editor"
MODERATOR = "moderator"
ORDER_DESK = "orders"
ADMIN = "admin"

ROLES = (CUSTOMER, EDITOR, MODERATOR, ORDER_DESK, ADMIN)
STAFF_ROLES = (EDITOR, MODERATOR, ORDER_DESK, ADMIN)

ROLE_TITLES = {
    CUSTOMER: _("Customer"),
    EDITOR: _("Editor"),
    MODERATOR: _("Moderator"),
    ORDER_DESK: _("Order desk"),
    ADMIN: _("Administrator"),
}


def role_principal(role):
    return f"role:{role}"


def user_principal(userid):
    return f"user:{userid}"


SESSION_USER = "auth.userid"
SESSION_ID = "auth.sid"
SESSION_LOGIN_AT = "auth.at"
#: The login of this session was confirmed by a code of the second factor.
SESSION_SECOND_FACTOR = "auth.2f"
#: Whether the account had a staff role when it logged in: a hint for the server
#: (``shopcms.web.serving``) that reads no account; permissions always read the roles.
SESSION_STAFF = "auth.staff"


def _peek(session, key, default=None):
    """``session.get(key, default)`` without the session's accessor, which also marks the
    session used (for its renewal): for reading the same values again and again."""
    if isinstance(session, dict):
        return dict.get(session, key, default)
    return session.get(key, default)


class SecurityPolicy:
    """Pyramid 2 security policy: session identity plus ACLHelper."""

    def __init__(self, absolute_timeout, staff_second_factor=True):
        self.absolute_timeout = absolute_timeout
        self.staff_second_factor = staff_second_factor
        self.helper = ACLHelper()

    def identity(self, request):
        """The logged-in account (a Customer resource) or None.  Never writes.

        What capabilities that may not import accounts read of it: ``__name__`` (the user
        id), ``email``, ``name`` (the name the customer is known by, or None) and
        ``roles``."""
        if "session" not in request.__dict__:
            # No session started in this request and no session cookie: nobody is logged
            # in, and no empty session is made only to be asked (a dozen times a page).
            name = request.registry.settings.get("shopcms.session.cookie_name")
            if name is not None and name not in request.cookies:
                return None
        session = request.session
        userid = session.get(SESSION_USER)  # (marks the session used: it is renewed)
        if userid is None:
            return None
        if request.method not in ("GET", "HEAD") or getattr(request, "root", None) is None:
            return self._identity(request, session, userid)
        # Pyramid asks the policy at each ``request.identity`` (a page's parts and
        # permission checks: a dozen times); a GET changes neither the session nor the
        # account, so the answer for the same session values is kept on the request.  The
        # key is read past the session's accessors: the ``get`` above marked it used.
        key = (userid, _peek(session, SESSION_ID), _peek(session, SESSION_LOGIN_AT, 0))
        memo = request.__dict__.get("_shopcms_identity")
        if memo is None or memo[0] != key:
            memo = request.__dict__["_shopcms_identity"] = (
                key,
                self._identity(request, session, userid),
            )
        return memo[1]

    def _identity(self, request, session, userid):
        login_at = session.get(SESSION_LOGIN_AT, 0)
        if time.time() - login_at > self.absolute_timeout:
            return None
        root = getattr(request, "root", None)
        if root is None:  # an error before traversal: nobody is known
            return None
        # Under /{lang}/account/ the traversal root is the account itself: go up to the Site.
        while getattr(root, "__parent__", None) is not None:
            root = root.__parent__
        account = root["customers"].get(userid)
        if account is None or not account.active:
            return None
        if not account.has_session(session.get(SESSION_ID)):
            return None
        return account

    def authenticated_userid(self, request):
        account = request.identity
        return account.__name__ if account is not None else None

    def effective_principals(self, request):
        principals = [Everyone]
        account = request.identity
        if account is not None:
            principals.append(Authenticated)
            principals.append(user_principal(account.__name__))
            roles = set(account.roles)
            if self.staff_second_factor and not request.session.get(SESSION_SECOND_FACTOR):
                roles -= set(STAFF_ROLES)
            principals.extend(role_principal(role) for role in sorted(roles))
        return principals

    def permits(self, request, context, permission):
        if request.method in ("GET", "HEAD"):
            # A page asks for each product it shows: the principals of the same identity
            # are kept on the request (a GET changes neither the session nor the account).
            key = (id(request.identity), request.session.get(SESSION_SECOND_FACTOR))
            memo = request.__dict__.get("_shopcms_principals")
            if memo is None or memo[0] != key:
                memo = (key, self.effective_principals(request))
                request.__dict__["_shopcms_principals"] = memo
            return self.helper.permits(context, memo[1], permission)
        return self.helper.permits(context, self.effective_principals(request), permission)

    def remember(self, request, userid, **kw):
        """Start a new session for ``userid`` (the old one, and its CSRF token, is dropped).

        Writes the session id on the account: call only from a POST.
        """
        account = find_root(request.root)["customers"][userid]
        request.session.invalidate()
        request.session[SESSION_USER] = userid
        request.session[SESSION_ID] = account.open_session(self.absolute_timeout)
        request.session[SESSION_LOGIN_AT] = int(time.time())
        request.session[SESSION_STAFF] = bool(set(account.roles) & set(STAFF_ROLES))
        request.session.new_csrf_token()
        return []

    def forget(self, request, **kw):
        """End the session here and on the server (the account forgets its id)."""
        account = self.identity(request)
        if account is not None:
            account.close_session(request.session.get(SESSION_ID))
        request.session.invalidate()
        return []


class LoggedIn:
    """Sent when ``account`` has just logged in with ``request`` (a POST: the session is
    new); capabilities that keep something for a visitor move it onto the account."""

    def __init__(self, request, account):
        self.request = request
        self.account = account


def effective_principals(request):
    """The principals of the requester, for catalog queries that filter by permission."""
    return request.registry.shopcms_security.effective_principals(request)


def includeme(config):
    settings = config.get_settings()
    policy = SecurityPolicy(
        absolute_timeout=int(settings.get("shopcms.session.absolute_timeout", 12 * 3600)),
        staff_second_factor=asbool(settings.get("shopcms.login.staff_second_factor", True)),
    )
    config.set_security_policy(policy)
    config.registry.shopcms_security = policy
    config.set_default_permission(VIEW)
    # Every unsafe request (POST, PUT, DELETE, ...) must carry the session's CSRF token, in
    # the form field ``csrf_token`` or the ``X-CSRF-Token`` header; no view opts out.
    config.set_default_csrf_options(require_csrf=True)
