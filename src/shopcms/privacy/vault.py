"""Encryption at rest for saved payment tokens, with a key kept outside the database.

A saved payment method keeps only what the payment provider returned (its token or
mandate id, brand, last four digits, expiry); the token is still worth protecting, so it is
stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256) and the database alone cannot
reveal it.  Keys come from ``shopcms.vault.keys`` or the environment variable
``SHOPCMS_VAULT_KEYS``: Fernet keys separated by spaces, the first one encrypts, all of
them decrypt.  To rotate: put a new key first, restart, run ``shopcms rotate-vault-key
INI`` (re-encrypts every saved token with the first key), then drop the old key.
``shopcms new-vault-key`` prints a fresh key.
"""

import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class VaultError(RuntimeError):
    """No usable key, or a value that no configured key can open."""


class Vault:
    def __init__(self, keys):
        if not keys:
            raise VaultError(
                "set shopcms.vault.keys (or SHOPCMS_VAULT_KEYS) to a key made by "
                "`shopcms new-vault-key`"
            )
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError as exc:
            raise VaultError("shopcms.vault.keys holds a value that is not a Fernet key") from exc

    def seal(self, text):
        return self._fernet.encrypt(text.encode())

    def open(self, sealed):
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as exc:
            raise VaultError("this value was sealed with a key that is not configured") from exc

    def reseal(self, sealed):
        """``sealed`` encrypted again with the first (current) key."""
        return self._fernet.rotate(sealed)


def new_key():
    return Fernet.generate_key().decode("ascii")


def vault_keys(settings):
    value = settings.get("shopcms.vault.keys") or os.environ.get("SHOPCMS_VAULT_KEYS", "")
    return value.split()


def get_vault(registry):
    return registry.shopcms_vault


def includeme(config):
    config.registry.shopcms_vault = Vault(vault_keys(config.get_settings()))
