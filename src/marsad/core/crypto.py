"""Protecting personal identifiers: encryption at rest and blind indexes.

A national ID is stored twice, never in clear: encrypted (Fernet: AES-128-CBC + HMAC-SHA256,
key `MARSAD_PII_KEY`) so an authorised user can see it, and as a keyed HMAC-SHA256 "blind
index" (key `MARSAD_BLIND_INDEX_KEY`) so exact look-ups and uniqueness work without
decrypting. Both keys come from the environment; without them nothing personal can be stored.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet() -> Fernet:
    key = settings.MARSAD_PII_KEY
    if not key:
        raise ImproperlyConfigured("MARSAD_PII_KEY is not set in the environment.")
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise ImproperlyConfigured(
            "MARSAD_PII_KEY must be 32 url-safe base64-encoded bytes (Fernet key)."
        ) from exc


@cache
def _blind_key() -> bytes:
    key = settings.MARSAD_BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("MARSAD_BLIND_INDEX_KEY is not set in the environment.")
    return key.encode()


def encrypt_pii(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt_pii(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("Personal data cannot be decrypted with this key.") from exc


def blind_index(value: str, *, purpose: str = "nid") -> str:
    """A stable keyed hash for exact matching; `purpose` separates kinds of identifier."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(_blind_key(), message, hashlib.sha256).hexdigest()
