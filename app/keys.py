"""API keys: made at random by an operator, kept by the database only as their hash."""

import hashlib
import secrets

PREFIX = "kvn_"


def new_key():
    """A new API key: 256 random bits, prefixed so that secret scanners can spot it."""
    return PREFIX + secrets.token_urlsafe(32)


def key_hash(key):
    """What the database keeps of a key. The key is random, so a fast hash is enough:
    the digest reveals nothing, and a lookup by it leaks no timing about the key."""
    return hashlib.sha256(key.encode()).digest()
