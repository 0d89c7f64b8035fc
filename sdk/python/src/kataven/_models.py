"""The API's objects as frozen dataclasses: fields as the API names them, timestamps as
aware UTC datetimes. Fields a newer server adds are ignored, so an SDK keeps working
against a service that has moved on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

__all__ = ["Provider", "PhoneNumber", "Event", "Actor", "Route", "SealedCredential"]

# The document's closed sets, so that `mypy --strict` knows every value a field can take
# (tests/test_models.py holds them to the served document).
ProviderName = Literal["plivo", "twilio", "vobiz"]
EventType = Literal["provider.created", "provider.updated", "provider.deleted",
                    "number.created", "number.updated", "number.deleted"]
ActorKind = Literal["account", "platform", "operator"]
# A route's routing rule: who takes an inbound call to the number.
InboundRule = Literal["agent", "fallback", "reject"]


def parse_datetime(value: str) -> datetime:
    """An RFC 3339 timestamp (the service writes `...Z`) as an aware UTC datetime."""
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:  # RFC 3339 always has an offset; be lenient all the same
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _optional_datetime(value: Any) -> datetime | None:
    return None if value is None else parse_datetime(value)


@dataclass(frozen=True)
class Provider:
    """A carrier credential: its metadata only, never the credential values."""

    id: str
    provider: ProviderName
    label: str
    credential_keys: tuple[str, ...]
    sealing_key_id: str
    created_at: datetime
    updated_at: datetime
    verified_at: datetime | None = None  # when the carrier last accepted these credentials

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Provider:
        return cls(
            id=data["id"],
            provider=data["provider"],
            label=data["label"],
            credential_keys=tuple(data["credential_keys"]),
            sealing_key_id=data["sealing_key_id"],
            created_at=parse_datetime(data["created_at"]),
            updated_at=parse_datetime(data["updated_at"]),
            verified_at=_optional_datetime(data.get("verified_at")),
        )


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number registered against a credential, pinned to an agent or to none."""

    id: str
    e164: str
    provider: ProviderName
    credentials_id: str
    agent_id: str | None
    inbound_enabled: bool
    outbound_enabled: bool
    created_at: datetime
    updated_at: datetime
    # Where an inbound call goes when no agent can take it; None: nowhere. Last, with a
    # default, so that the fields before it keep their places; None from a service that
    # predates it.
    fallback_e164: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PhoneNumber:
        return cls(
            id=data["id"],
            e164=data["e164"],
            provider=data["provider"],
            credentials_id=data["credentials_id"],
            agent_id=data.get("agent_id"),
            inbound_enabled=data["inbound_enabled"],
            outbound_enabled=data["outbound_enabled"],
            created_at=parse_datetime(data["created_at"]),
            updated_at=parse_datetime(data["updated_at"]),
            fallback_e164=data.get("fallback_e164"),
        )


@dataclass(frozen=True)
class Actor:
    """Who made a change. An API key: its id (as `api-keys list` shows it, never the key)
    and kind, `account` or `platform` (a platform key's also names the account it acted
    for). Or an operator's command, with no key: kind `operator` and the `command`
    (`sealing rotate`)."""

    kind: ActorKind
    key_id: str | None = None
    account_id: str | None = None
    command: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Actor:
        return cls(kind=data["kind"], key_id=data.get("key_id"),
                   account_id=data.get("account_id"), command=data.get("command"))


@dataclass(frozen=True)
class Event:
    """Who changed which credential or number, and when. `data` holds what changed: on
    updates, {"from": ..., "to": ...} per field."""

    id: str
    type: EventType
    object_id: str
    actor: Actor
    request_id: str
    occurred_at: datetime
    data: Mapping[str, Any]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        return cls(
            id=data["id"],
            type=data["type"],
            object_id=data["object_id"],
            actor=Actor.from_json(data["actor"]),
            request_id=data["request_id"],
            occurred_at=parse_datetime(data["occurred_at"]),
            data=data["data"],
        )


@dataclass(frozen=True)
class Route:
    """Who answers a dialled number, and the credential to dial with (a platform key's
    read). `inbound` is the routing rule the service applied: "agent" (inbound calls
    enabled, pinned to `agent_id`), "fallback" (enabled, no agent, forwarded to
    `fallback_e164`) or "reject" (inbound disabled, or neither an agent nor a fallback)."""

    e164: str
    account_id: str  # the account the number belongs to
    number_id: str
    provider: ProviderName
    credentials_id: str  # providers.sealed(credentials_id, account_id=account_id)
    sealing_key_id: str  # the key the credential is sealed to
    agent_id: str | None
    inbound_enabled: bool
    outbound_enabled: bool
    fallback_e164: str | None
    inbound: InboundRule

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Route:
        return cls(
            e164=data["e164"],
            account_id=data["account_id"],
            number_id=data["number_id"],
            provider=data["provider"],
            credentials_id=data["credentials_id"],
            sealing_key_id=data["sealing_key_id"],
            agent_id=data.get("agent_id"),
            inbound_enabled=data["inbound_enabled"],
            outbound_enabled=data["outbound_enabled"],
            fallback_e164=data.get("fallback_e164"),
            inbound=data["inbound"],
        )


@dataclass(frozen=True)
class SealedCredential:
    """A carrier credential as the service stores it, sealed (a platform key's read, for
    the service that dials out). `sealed` is the base64 of a libsodium sealed box
    (crypto_box_seal) of the credentials' UTF-8 JSON, to the public key `sealing_key_id`
    names: only the holder of its private key opens it. The SDK never opens it."""

    id: str
    provider: ProviderName
    sealing_key_id: str
    sealed: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SealedCredential:
        return cls(id=data["id"], provider=data["provider"],
                   sealing_key_id=data["sealing_key_id"], sealed=data["sealed"])

    def __repr__(self) -> str:
        # The ciphertext is no secret without the private key, but it is long and of no
        # use in a log line: its size says what it is.
        return (f"SealedCredential(id={self.id!r}, provider={self.provider!r}, "
                f"sealing_key_id={self.sealing_key_id!r}, sealed=<{len(self.sealed)} chars>)")
