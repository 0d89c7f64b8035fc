"""Sealing of carrier credentials: libsodium's sealed box, to a public key only.

The API holds the public key alone, so it can seal and never open: the private key
lives with the service that dials out, never on the API hosts.
"""

import base64
import binascii
import hashlib
import json
import logging

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

log = logging.getLogger(__name__)


class SealingUnavailable(Exception):
    """No valid public key is configured, or sealing failed."""


def fingerprint(public_key_bytes):
    """The key's short id: 16 hex digits of the SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_key_bytes).hexdigest()[:16]


def decode_key(b64, what="key"):
    """The 32 raw bytes of a base64 key; ValueError when it is not one."""
    try:
        raw = base64.b64decode(b64.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not valid base64") from None
    if len(raw) != 32:
        raise ValueError(f"{what} must be 32 bytes, got {len(raw)}")
    return raw


def serialise(credentials):
    """The credentials' UTF-8 JSON, the exact bytes that are sealed."""
    return json.dumps(credentials, ensure_ascii=False, separators=(",", ":")).encode()


class Sealer:
    """Seals to the configured public key; unavailable when none is valid."""

    def __init__(self, public_key_b64):
        self.key_id = None
        self.problem = "SEALING_PUBLIC_KEY is not set"
        self._box = None
        if public_key_b64:
            try:
                raw = decode_key(public_key_b64, "SEALING_PUBLIC_KEY")
            except ValueError as exc:
                self.problem = str(exc)
                log.error("sealing disabled: %s", exc)
            else:
                self._adopt(raw)

    def _adopt(self, raw):
        box = SealedBox(PublicKey(raw))
        try:
            # A key of low order (all zeros, say) decodes but cannot seal: find out now.
            box.encrypt(b"{}")
        except CryptoError:
            self.problem = "SEALING_PUBLIC_KEY is not a usable Curve25519 key"
            log.error("sealing disabled: %s", self.problem)
            return
        self._box = box
        self.key_id = fingerprint(raw)
        self.problem = None

    @property
    def available(self):
        return self._box is not None

    def require(self):
        """SealingUnavailable unless a valid key is configured."""
        if self._box is None:
            raise SealingUnavailable(self.problem)

    def seal(self, credentials):
        """(ciphertext, key id) of the credentials; SealingUnavailable otherwise."""
        return self.seal_plaintext(serialise(credentials))

    def seal_plaintext(self, plaintext):
        """(ciphertext, key id) of bytes already serialised: the same bytes a rotation
        opened from the old key (`sealing rotate`), sealed again unchanged."""
        self.require()
        try:
            return self._box.encrypt(plaintext), self.key_id
        except CryptoError as exc:
            log.error("sealing failed: %s", exc)
            raise SealingUnavailable("sealing failed") from None


def keygen():
    """A new key pair as (public, private), each base64."""
    private = PrivateKey.generate()
    return (
        base64.b64encode(bytes(private.public_key)).decode(),
        base64.b64encode(bytes(private)).decode(),
    )


def open_sealed(private_key_b64, ciphertext):
    """The plaintext JSON of a sealed credential; the operator's tool, not the API's."""
    private = PrivateKey(decode_key(private_key_b64, "SEALING_PRIVATE_KEY"))
    return SealedBox(private).decrypt(bytes(ciphertext)).decode()


def key_id_of_private(private_key_b64):
    """The fingerprint of the public half of a private key."""
    private = PrivateKey(decode_key(private_key_b64, "SEALING_PRIVATE_KEY"))
    return fingerprint(bytes(private.public_key))


class Opener:
    """Opens what was sealed to one key pair, given its private half: the operator's
    `sealing rotate`, never the API. ValueError when the key is not one."""

    def __init__(self, private_key_b64):
        private = PrivateKey(decode_key(private_key_b64, "SEALING_PRIVATE_KEY"))
        self.key_id = fingerprint(bytes(private.public_key))
        self._box = SealedBox(private)

    def open(self, ciphertext):
        """The plaintext bytes; None when the ciphertext does not open with this key."""
        try:
            return self._box.decrypt(bytes(ciphertext))
        except CryptoError:
            return None
