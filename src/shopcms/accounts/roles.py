"""Granting and revoking the roles of accounts (administrators only).

One rule besides the permission: an administrator cannot revoke their own administrator
role, so that the shop always keeps one who can give it back.
"""

from shopcms.web.i18n import _
from shopcms.web.security import ADMIN, ROLE_TITLES

GRANT, REVOKE = "grant", "revoke"


class RoleRefused(Exception):
    """The change is not allowed; ``message`` says why (translatable)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def change_role(account, role, action, actor, translate):
    """Grant or revoke (``action``) ``role`` of ``account`` on behalf of ``actor`` (the
    requester's account); returns the message that confirms it (``translate`` puts the
    role's title in the page's language)."""
    if action == REVOKE and role == ADMIN and account is actor:
        raise RoleRefused(_("You cannot remove your own administrator role."))
    mapping = {"email": account.email, "role": translate(ROLE_TITLES[role])}
    if action == GRANT:
        account.grant(role)
        return _("${email} is now ${role}.", mapping=mapping)
    account.revoke(role)
    return _("${email} is no longer ${role}.", mapping=mapping)
