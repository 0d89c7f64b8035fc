-- Answers kept for retries with an Idempotency-Key (POST /numbers, POST /providers).
--
-- A first request inserts its row and holds it, uncommitted, while it runs: a retry's
-- insert waits on it, then finds the kept answer (a replay) or, if the first failed or
-- its process died, no row at all (the key is free again). Answers live 24 hours.

CREATE TABLE idempotency_keys (
    account_id    account     NOT NULL,
    endpoint      text        NOT NULL,    -- e.g. 'POST /api/v1/telephony/numbers'
    key           text        NOT NULL CHECK (key ~ '^[!-~]{1,255}$'),
    -- SHA-256 of the request's canonical JSON: the same body in another key order or
    -- spacing is the same request.
    request_hash  bytea       NOT NULL CHECK (octet_length(request_hash) = 32),
    status        smallint,
    content_type  text,
    body          text,
    location      text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    PRIMARY KEY (account_id, endpoint, key)
);

-- Purging what expired: an account's own rows on its next keyed request, everyone's
-- from `flask --app wsgi db purge-idempotency-keys`.
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (account_id, expires_at);
CREATE INDEX idempotency_keys_expiry_all ON idempotency_keys (expires_at);
