"""The subcommands for the keys of the vault (``shopcms.privacy.vault``), which seals the
saved payment tokens and the TOTP secrets: ``new-vault-key`` and ``rotate-vault-key``.
"""

import dataclasses

from cryptography.fernet import InvalidToken

from shopcms.cli.app import CommandError, load, out, result
from shopcms.privacy import vault
from shopcms.tree.database import site_transaction


def add_commands(add):
    """Add this module's subcommands to the ``shopcms`` parser (see ``shopcms.cli``)."""
    add("new-vault-key", cmd_new_vault_key, "print a new vault key", reads_ini=False)
    add("rotate-vault-key", cmd_rotate_vault_key, "seal the saved tokens with the first key")


def cmd_new_vault_key(args):
    """Print a new key for ``shopcms.vault.keys`` (or SHOPCMS_VAULT_KEYS).  Reads nothing,
    changes nothing: to rotate, put it first in the setting, restart, run rotate-vault-key."""
    result(vault.new_key())


def cmd_rotate_vault_key(args):
    """Seal again with the first configured key every value the vault sealed: the tokens of
    saved payment methods and the TOTP secrets.  Afterwards the older keys can be dropped
    from the setting.  Fails, changing nothing, if a value opens with no configured key."""
    registry = load(args.ini)
    keeper = vault.get_vault(registry)
    methods = secrets_ = 0
    try:
        # One transaction for all: an InvalidToken aborts it, so no value is left sealed
        # with a key that is about to be dropped while others were already resealed.
        with site_transaction(registry) as site:
            for account in site["customers"].values():
                saved = account.preferences.payment_methods
                for index, method in enumerate(saved):
                    resealed = keeper.reseal(method.sealed_token)
                    saved[index] = dataclasses.replace(method, sealed_token=resealed)
                    methods += 1
                if getattr(account, "totp_secret", None) is not None:
                    account.totp_secret = keeper.reseal(account.totp_secret)
                    secrets_ += 1
    except InvalidToken as exc:
        raise CommandError("a sealed value opens with none of the configured keys") from exc
    # Reported only after the commit, so what is printed is what the database holds.
    out(f"resealed {methods} saved payment token(s) and {secrets_} TOTP secret(s)")
