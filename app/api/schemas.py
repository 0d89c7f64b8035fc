"""Marshmallow schemas: what each endpoint accepts, and the objects it answers with.

Requests are validated here once, at the edge; the same schemas make the OpenAPI
document. Messages are short and lower case: they end up in one line such as
`invalid body: e164: not a valid E.164 phone number`.
"""

import re
from datetime import datetime, timedelta, timezone

import phonenumbers
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..carriers import CARRIERS
from ..carriers import NAMES as PROVIDERS
from ..forms import AGENT_ID, CONTROL, CREDENTIAL_NAME
from ..forms import E164 as E164_FORM
from ..forms import UUID as UUID_FORM

FALLBACK_IS_THE_NUMBER = "must differ from e164"
# Credential fields: how many, and how long a value may be.
MAX_CREDENTIAL_FIELDS = 20
MAX_CREDENTIAL_VALUE = 1024


# --- fields ----------------------------------------------------------------------------

class Documented:
    """A field whose class says how the OpenAPI document describes it (`openapi`)."""

    openapi = {}

    def __init__(self, **kwargs):
        kwargs["metadata"] = {**self.openapi, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


class Str(Documented, fields.String):
    """A JSON string, never coerced from another type."""

    default_error_messages = {
        "required": "required",
        "null": "must not be null",
        "invalid": "must be a string",
    }


class Bool(Documented, fields.Boolean):
    """A JSON boolean: no "yes", 1 or "true"."""

    default_error_messages = {
        "required": "required",
        "null": "must be true or false",
        "invalid": "must be true or false",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        raise self.make_error("invalid")


class Provider(Str):
    """A provider name, lower case."""

    def __init__(self, **kwargs):
        message = "must be one of " + ", ".join(PROVIDERS)
        super().__init__(validate=validate.OneOf(PROVIDERS, error=message), **kwargs)


class E164(Str):
    """A phone number in E.164 form that libphonenumber finds valid."""

    openapi = {"pattern": r"^\+[1-9][0-9]{1,14}$", "example": "+12025550123",
               "description": "E.164, valid by libphonenumber's rules"}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not is_valid_e164(value):
            raise ValidationError("not a valid E.164 phone number")
        return value


class FallbackE164(E164):
    """Where an inbound call goes when no agent can take it; null or "" mean none."""

    openapi = {"pattern": r"^(\+[1-9][0-9]{1,14})?$", "example": "+12025550199",
               "description": "E.164, valid by libphonenumber's rules, never the number "
                              "itself; null or an empty string: none"}

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class AgentId(Str):
    """An agent id; null or "" mean no agent."""

    openapi = {"pattern": "^[A-Za-z0-9_-]{0,64}$", "example": "agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z",
               "description": "null or an empty string: pinned to no agent"}

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if value == "":
            return None
        if not AGENT_ID.fullmatch(value):
            raise ValidationError("must be 1 to 64 characters of A-Z a-z 0-9 _ -")
        return value


class CredentialsId(Str):
    """The id of a credential of the same account; no other form can name one."""

    openapi = {"format": "uuid", "description": "a credential of the same account"}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not UUID_FORM.fullmatch(value):
            raise ValidationError("no such credential")
        return value.lower()


class Label(Str):
    """A label of 1 to 100 characters after trimming; null means the default."""

    openapi = {"pattern": r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$",
               "example": "Production Twilio",
               "description": "1 to 100 characters after trimming; null: the provider's name"}

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(value) <= 100:
            raise ValidationError("must be 1 to 100 characters")
        if CONTROL.search(value):
            raise ValidationError("must not contain control characters")
        return value


class Credentials(Documented, fields.Field):
    """The credential fields: names of a-z A-Z 0-9 _, values non-empty strings."""

    openapi = {
        "type": "object",
        "minProperties": 1,
        "maxProperties": MAX_CREDENTIAL_FIELDS,
        "additionalProperties": {"type": "string", "minLength": 1,
                                 "maxLength": MAX_CREDENTIAL_VALUE},
        "propertyNames": {"pattern": "^[A-Za-z0-9_]{1,64}$"},
        "description": "; ".join(CARRIERS[name].DESCRIPTION for name in PROVIDERS)
                       + ". Checked with the carrier, then sealed, never shown again.",
        "example": {"account_sid": "AC0123456789abcdef0123456789abcdef",
                    "auth_token": "your_auth_token"},
    }

    default_error_messages = {
        "required": "required",
        "null": "must be an object",
        "invalid": "must be an object",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        if not value:
            raise ValidationError("must not be empty")
        if len(value) > MAX_CREDENTIAL_FIELDS:
            raise ValidationError(f"at most {MAX_CREDENTIAL_FIELDS} fields")
        for name, secret in value.items():
            if not CREDENTIAL_NAME.fullmatch(name):
                raise ValidationError(
                    {name: ["field names are 1 to 64 characters of a-z A-Z 0-9 _"]})
            if not isinstance(secret, str) or not secret:
                raise ValidationError({name: ["must be a non-empty string"]})
            if len(secret) > MAX_CREDENTIAL_VALUE:
                raise ValidationError(
                    {name: [f"must be at most {MAX_CREDENTIAL_VALUE} characters"]})
        return value


def is_valid_e164(value):
    """`+` and digits only, in canonical form, and valid by libphonenumber's rules."""
    if not E164_FORM.fullmatch(value):
        return False
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number(parsed)
        and phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == value
    )


def check_credentials(provider, credentials):
    """The provider's own rules: its required fields, and their form where checked."""
    carrier = CARRIERS[provider]
    for name in carrier.required(credentials):
        if name not in credentials:
            raise ValidationError({"credentials": {name: ["required"]}})
        form = carrier.FORMS.get(name)
        if form and not form[0].fullmatch(credentials[name]):
            raise ValidationError({"credentials": {name: [form[1]]}})


# --- request bodies --------------------------------------------------------------------

class Body(Schema):
    """A request body: unknown fields are refused, each with its name."""

    error_messages = {"unknown": "unknown field", "type": "must be a JSON object"}


class CreateProviderRequest(Body):
    provider = Provider(required=True)
    credentials = Credentials(required=True)
    label = Label()

    @validates_schema(skip_on_field_errors=True)
    def provider_rules(self, data, **kwargs):
        check_credentials(data["provider"], data["credentials"])


class UpdateProviderRequest(Body):
    # Only the credential's own provider may be sent, checked against the row before
    # whether there is anything to update: the view does both.
    provider = Provider()
    credentials = Credentials()
    label = Label()


class CreateNumberRequest(Body):
    e164 = E164(required=True)
    credentials_id = CredentialsId(required=True)
    provider = Provider()
    agent_id = AgentId()
    inbound_enabled = Bool(load_default=True)
    outbound_enabled = Bool(load_default=True)
    fallback_e164 = FallbackE164()

    @validates_schema(skip_on_field_errors=True)
    def fallback_is_another_number(self, data, **kwargs):
        if data.get("fallback_e164") is not None and data["fallback_e164"] == data["e164"]:
            raise ValidationError({"fallback_e164": [FALLBACK_IS_THE_NUMBER]})


class UpdateNumberRequest(Body):
    agent_id = AgentId()
    inbound_enabled = Bool()
    outbound_enabled = Bool()
    fallback_e164 = FallbackE164()

    @validates_schema(skip_on_field_errors=True)
    def something_to_update(self, data, **kwargs):
        if not data:
            raise ValidationError("nothing to update")


# --- query strings ---------------------------------------------------------------------

class Limit(Documented, fields.Integer):
    """A page size: decimal digits only, 1 to 200."""

    openapi = {"minimum": 1, "maximum": 200}

    default_error_messages = {"invalid": "must be an integer from 1 to 200"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4):
            raise self.make_error("invalid")
        number = int(value)
        if not 1 <= number <= 200:
            raise self.make_error("invalid")
        return number


class Cursor(Str):
    """The opaque next_cursor of a previous page."""

    openapi = {"description": "the next_cursor of the previous page"}


class ListQuery(Schema):
    error_messages = {"unknown": "unknown parameter"}
    limit = Limit(load_default=50)
    cursor = Cursor()


class ListProvidersQuery(ListQuery):
    pass


class QueryAgentId(Str):
    openapi = {"pattern": "^[A-Za-z0-9_-]{1,64}$"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not AGENT_ID.fullmatch(value):
            raise ValidationError("must be 1 to 64 characters of A-Z a-z 0-9 _ -")
        return value


class QueryUuid(Str):
    openapi = {"format": "uuid"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not UUID_FORM.fullmatch(value):
            raise ValidationError("not a valid UUID")
        return value.lower()


class QueryE164(Str):
    openapi = {"pattern": r"^\+[1-9][0-9]{1,14}$", "description": "write + as %2B"}

    def _deserialize(self, value, attr, data, **kwargs):
        # A `+` left unencoded in a query string arrives as a space: it can only mean `+`.
        if value.startswith(" "):
            value = "+" + value[1:]
        if not E164_FORM.fullmatch(value):
            raise ValidationError("must be + followed by 2 to 15 digits")
        return value


class ListNumbersQuery(ListQuery):
    agent_id = QueryAgentId()
    credentials_id = QueryUuid()
    provider = Provider()
    e164 = QueryE164()


EVENT_TYPES = ("provider.created", "provider.updated", "provider.deleted",
               "number.created", "number.updated", "number.deleted")
RFC3339 = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\d[Tt]\d\d:\d\d):(?P<second>\d\d)(?P<fraction>\.\d{1,9})?"
    r"(?P<offset>[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)")


class EventType(Str):
    def __init__(self, **kwargs):
        message = "must be one of " + ", ".join(EVENT_TYPES)
        super().__init__(validate=validate.OneOf(EVENT_TYPES, error=message), **kwargs)


class Since(Str):
    """An RFC 3339 time with its offset: events at or after it. Loaded as a UTC datetime."""

    openapi = {"format": "date-time", "example": "2026-11-28T17:02:03Z",
               "description": "RFC 3339 with an offset; write + as %2B"}
    invalid = "must be an RFC 3339 time, e.g. 2026-11-28T17:02:03Z"

    def _deserialize(self, value, attr, data, **kwargs):
        # A `+` left unencoded in a query string arrives as a space: it can only be `+`.
        if len(value) > 6 and value[-6] == " ":
            value = value[:-6] + "+" + value[-5:]
        match = RFC3339.fullmatch(value)
        if not match:
            raise ValidationError(self.invalid)
        second = int(match["second"])
        offset = "+00:00" if match["offset"] in "Zz" else match["offset"]
        # Python reads six fraction digits at most; a leap second (:60) is the next one.
        fraction = (match["fraction"] or "")[:7]
        try:
            moment = datetime.fromisoformat(
                f"{match['time'].upper()}:{min(second, 59):02d}{fraction}{offset}")
        except ValueError:
            raise ValidationError(self.invalid) from None
        if second > 60:
            raise ValidationError(self.invalid)
        try:
            return (moment + timedelta(seconds=second - 59 if second == 60 else 0)).astimezone(
                timezone.utc)
        except OverflowError:  # year 1 or 9999, moved out of range by its offset
            raise ValidationError(self.invalid) from None


class ListEventsQuery(ListQuery):
    object_id = QueryUuid()
    type = EventType()
    since = Since()


# --- answers (documentation only: answers are built straight from rows) ---------------

class ProviderCredential(Schema):
    id = fields.UUID(dump_only=True)
    provider = fields.String(validate=validate.OneOf(PROVIDERS))
    label = fields.String()
    credential_keys = fields.List(fields.String())
    sealing_key_id = fields.String()
    verified_at = fields.DateTime(allow_none=True, metadata={
        "description": "when the carrier last accepted these credentials; null: stored unchecked"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class PhoneNumber(Schema):
    id = fields.UUID(dump_only=True)
    e164 = fields.String()
    provider = fields.String(validate=validate.OneOf(PROVIDERS))
    credentials_id = fields.UUID()
    agent_id = fields.String(allow_none=True)
    inbound_enabled = fields.Boolean()
    outbound_enabled = fields.Boolean()
    fallback_e164 = fields.String(allow_none=True, metadata={
        "description": "where an inbound call goes when no agent can take it; null: none"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class Route(Schema):
    e164 = fields.String()
    account_id = fields.String(metadata={"description": "the account the number belongs to"})
    number_id = fields.UUID()
    provider = fields.String(validate=validate.OneOf(PROVIDERS))
    credentials_id = fields.UUID()
    sealing_key_id = fields.String(metadata={
        "description": "the key the credential is sealed to (GET .../providers/{id}/sealed)"})
    agent_id = fields.String(allow_none=True)
    inbound_enabled = fields.Boolean()
    outbound_enabled = fields.Boolean()
    fallback_e164 = fields.String(allow_none=True)
    inbound = fields.String(validate=validate.OneOf(("agent", "fallback", "reject")), metadata={
        "description": "the routing rule applied: agent (inbound enabled, pinned), fallback "
                       "(enabled, unpinned, a fallback set), reject (otherwise)"})


class SealedCredential(Schema):
    id = fields.UUID()
    provider = fields.String(validate=validate.OneOf(PROVIDERS))
    sealing_key_id = fields.String()
    sealed = fields.String(metadata={
        "description": "base64 of the crypto_box_seal ciphertext of the credentials' UTF-8 "
                       "JSON: opened by the service that dials out, with the private key"})


class ProviderList(Schema):
    providers = fields.List(fields.Nested(ProviderCredential))
    next_cursor = fields.String(allow_none=True)


class NumberList(Schema):
    numbers = fields.List(fields.Nested(PhoneNumber))
    next_cursor = fields.String(allow_none=True)


class Actor(Schema):
    key_id = fields.UUID(metadata={
        "description": "the API key's id, as `api-keys list` shows it; an operator's "
                       "command has none"})
    # The one field of every actor, an API key's or an operator's command's.
    kind = fields.String(required=True,
                         validate=validate.OneOf(("account", "platform", "operator")))
    account_id = fields.String(metadata={
        "description": "with a platform key: the account it acted for"})
    command = fields.String(metadata={
        "description": "an operator's change: the command that made it, `sealing rotate`"})


class Event(Schema):
    id = fields.UUID(dump_only=True)
    type = fields.String(validate=validate.OneOf(EVENT_TYPES))
    object_id = fields.UUID(metadata={"description": "the credential or number changed"})
    actor = fields.Nested(Actor)
    request_id = fields.String(metadata={
        "description": "the X-Request-ID of the change; an operator's command: its run's id"})
    occurred_at = fields.DateTime()
    data = fields.Dict(metadata={
        "description": "what changed: on updates, {\"from\": ..., \"to\": ...} per field"})


class EventList(Schema):
    events = fields.List(fields.Nested(Event))
    next_cursor = fields.String(allow_none=True)
