-- Events: who changed which credential or number, and when (contract section 9).
--
-- Each is written by the same statement as the change it records (a data-modifying
-- CTE in app/queries/), so there is no change without its event and no event without
-- its change, and a write costs no extra round trip. `data` holds what changed, never
-- a credential value or ciphertext.

CREATE TABLE events (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id    account     NOT NULL,
    type          text        NOT NULL CHECK (type IN (
                      'provider.created', 'provider.updated', 'provider.deleted',
                      'number.created', 'number.updated', 'number.deleted')),
    object_id     uuid        NOT NULL,
    -- The object's own clock: its created_at, its new updated_at, or just past it for
    -- a delete. Changes of one object take its row lock in turn and its updated_at
    -- only moves forward, so its events sort in the order the changes happened.
    occurred_at   timestamptz NOT NULL,
    -- The API key, by the id `api-keys list` shows (keys are revoked, never deleted).
    -- No foreign key: its check would share-lock the key's row on every write, and all
    -- of an account's concurrent writes use the same key (a multixact per write).
    actor_key_id  uuid        NOT NULL,
    actor_kind    text        NOT NULL CHECK (actor_kind IN ('account', 'platform')),
    request_id    text        NOT NULL CHECK (length(request_id) <= 128),
    data          jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object')
);

-- The list, newest first, read backwards along an index in its order: a page costs the
-- same at ten million events as at a thousand, unfiltered, since a time, or filtered by
-- object or type (an object's few events; a type's, newest first).
CREATE INDEX events_account_page ON events (account_id, occurred_at, id);
CREATE INDEX events_object_page ON events (account_id, object_id, occurred_at, id);
CREATE INDEX events_type_page ON events (account_id, type, occurred_at, id);
-- Retention (`db purge-events`): events arrive in time order, so a BRIN index finds
-- the old ones for a fraction of a B-tree's size and upkeep on every write.
CREATE INDEX events_retention ON events USING brin (occurred_at);
