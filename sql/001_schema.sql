-- The telephony schema: API keys, sealed carrier credentials and phone numbers.
-- Applied by `flask --app wsgi db upgrade`, which wraps each file in one transaction
-- together with its row in schema_migrations.
--
-- Every rule that must hold under concurrency is a constraint here, so that PostgreSQL,
-- not a read-then-write in Python, settles races.

CREATE DOMAIN account AS text
    CHECK (VALUE ~ '^[A-Za-z0-9_-]{1,64}$');

CREATE DOMAIN carrier AS text
    CHECK (VALUE IN ('twilio', 'plivo', 'vobiz'));

-- Keys are stored only as the SHA-256 of the key: the keys are 256 random bits, so a
-- slow password hash would add latency to every request and no protection.
CREATE TABLE api_keys (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    key_hash    bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    kind        text        NOT NULL CHECK (kind IN ('account', 'platform')),
    account_id  account,
    label       text        NOT NULL DEFAULT '' CHECK (char_length(label) <= 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    -- An account key names its account; a platform key acts for the one in X-Account-ID.
    CHECK ((kind = 'account') = (account_id IS NOT NULL))
);

CREATE TABLE providers (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id          account     NOT NULL,
    provider            carrier     NOT NULL,
    label               text        NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
    credential_keys     text[]      NOT NULL,
    -- crypto_box_seal of the credentials' UTF-8 JSON; the service cannot open it.
    sealed_credentials  bytea       NOT NULL,
    sealing_key_id      text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- The target of numbers' foreign key: a number can only reference a credential
    -- of its own account, and only with that credential's provider.
    UNIQUE (account_id, id, provider)
);

-- Keyset pagination of an account's credentials: (created_at, id) within the account.
CREATE INDEX providers_account_page ON providers (account_id, created_at, id);
-- Finding the rows sealed to an old key after a rotation.
CREATE INDEX providers_sealing_key ON providers (sealing_key_id);

CREATE TABLE numbers (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id        account     NOT NULL,
    -- Unique across the whole service: inbound calls are routed by the number.
    e164              text        NOT NULL UNIQUE CHECK (e164 ~ '^\+[1-9][0-9]{1,14}$'),
    provider          carrier     NOT NULL,
    credentials_id    uuid        NOT NULL,
    agent_id          text        CHECK (agent_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    inbound_enabled   boolean     NOT NULL DEFAULT true,
    outbound_enabled  boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- RESTRICT: deleting a credential that a number references fails, also when the
    -- number is registered concurrently with the delete.
    FOREIGN KEY (account_id, credentials_id, provider)
        REFERENCES providers (account_id, id, provider) ON DELETE RESTRICT
);

-- Keyset pagination, unfiltered and for each filter, in the list's order, so that a
-- page is an index range scan with no sort whatever the table's size. The
-- credentials index also serves the foreign key's check when a credential is deleted.
CREATE INDEX numbers_account_page ON numbers (account_id, created_at, id);
CREATE INDEX numbers_agent_page ON numbers (account_id, agent_id, created_at, id);
CREATE INDEX numbers_credentials_page ON numbers (account_id, credentials_id, created_at, id);
CREATE INDEX numbers_provider_page ON numbers (account_id, provider, created_at, id);
