-- fallback_e164: where an inbound call to the number goes when no agent can take it
-- (contract sections 5 and 11).
--
-- Safe on a table of ten million numbers, with the service serving:
-- - ADD COLUMN with no default writes nothing: existing rows read it as NULL, and the
--   ACCESS EXCLUSIVE lock it takes lasts only for the catalog change.
-- - The CHECK is added NOT VALID: it holds for every row written from now on, without
--   scanning the rows already there under that lock; 011 validates them apart, under a
--   lock that lets reads and writes go on.
-- - No row is rewritten: a row's API JSON (kept by numbers_api_json) gets the field
--   when the row next changes; until then the reads add `"fallback_e164":null` to the
--   JSON of a row written before this migration (numbers_json below), in its place
--   after outbound_enabled.

ALTER TABLE numbers ADD COLUMN fallback_e164 text;

-- The form of e164 (sql/003's cheaper check), and never the number itself.
ALTER TABLE numbers ADD CONSTRAINT numbers_fallback_e164_form
    CHECK (fallback_e164 ~ '^\+[1-9][0-9]+$' AND length(fallback_e164) BETWEEN 3 AND 16
           AND fallback_e164 <> e164) NOT VALID;

CREATE OR REPLACE FUNCTION numbers_api_json() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.api_json := '{"id":"' || NEW.id::text
        || '","e164":"' || NEW.e164
        || '","provider":"' || NEW.provider
        || '","credentials_id":"' || NEW.credentials_id::text
        || '","agent_id":' || coalesce('"' || NEW.agent_id || '"', 'null')
        || ',"inbound_enabled":' || NEW.inbound_enabled::text
        || ',"outbound_enabled":' || NEW.outbound_enabled::text
        || ',"fallback_e164":' || coalesce('"' || NEW.fallback_e164 || '"', 'null')
        || ',"created_at":"' || rfc3339(NEW.created_at)
        || '","updated_at":"' || rfc3339(NEW.updated_at) || '"}';
    RETURN NEW;
END
$$;

-- A number's API JSON as the API shows it now, whenever its row was written.
CREATE FUNCTION numbers_json(api_json text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN strpos(api_json, '"fallback_e164":') > 0 THEN api_json
                ELSE replace(api_json, ',"created_at":', ',"fallback_e164":null,"created_at":')
           END;

CREATE OR REPLACE FUNCTION numbers_get(p_id uuid, p_account text, p_key_hash bytea) RETURNS text
    LANGUAGE plpgsql STABLE SET lock_timeout = '1s' AS $$
DECLARE
    answer text;
BEGIN
    SELECT numbers_json(api_json) INTO answer
      FROM numbers
     WHERE id = p_id
       AND account_id = p_account
       AND (p_key_hash IS NULL
            OR EXISTS (SELECT 1 FROM api_keys WHERE key_hash = p_key_hash AND revoked_at IS NULL));
    RETURN answer;
END
$$;

CREATE OR REPLACE FUNCTION numbers_page(p_account text, p_key_hash bytea,
                             p_after_created_at timestamptz, p_after_id uuid, p_limit int,
                             p_agent_id text, p_credentials_id uuid, p_provider text,
                             p_e164 text) RETURNS SETOF text
    LANGUAGE plpgsql STABLE SET lock_timeout = '1s' AS $$
DECLARE
    after_created_at timestamptz := coalesce(p_after_created_at, '-infinity');
    after_id uuid := coalesce(p_after_id, '00000000-0000-0000-0000-000000000000');
    filters int := (p_agent_id IS NOT NULL)::int + (p_credentials_id IS NOT NULL)::int
                   + (p_provider IS NOT NULL)::int + (p_e164 IS NOT NULL)::int;
BEGIN
    IF p_key_hash IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM api_keys WHERE key_hash = p_key_hash AND revoked_at IS NULL)
    THEN
        RETURN;
    END IF;
    IF filters = 0 THEN
        RETURN QUERY SELECT numbers_json(n.api_json) FROM numbers n
                      WHERE n.account_id = p_account
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSIF filters > 1 THEN
        RETURN QUERY EXECUTE
            'SELECT numbers_json(n.api_json) FROM numbers n
              WHERE n.account_id = $1 AND (n.created_at, n.id) > ($2, $3)
                AND ($5 IS NULL OR n.agent_id = $5) AND ($6 IS NULL OR n.credentials_id = $6)
                AND ($7 IS NULL OR n.provider = $7) AND ($8 IS NULL OR n.e164 = $8)
           ORDER BY n.created_at, n.id LIMIT $4'
            USING p_account, after_created_at, after_id, p_limit, p_agent_id,
                  p_credentials_id, p_provider, p_e164;
    ELSIF p_agent_id IS NOT NULL THEN
        RETURN QUERY SELECT numbers_json(n.api_json) FROM numbers n
                      WHERE n.account_id = p_account AND n.agent_id = p_agent_id
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSIF p_credentials_id IS NOT NULL THEN
        RETURN QUERY SELECT numbers_json(n.api_json) FROM numbers n
                      WHERE n.account_id = p_account AND n.credentials_id = p_credentials_id
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSIF p_provider IS NOT NULL THEN
        RETURN QUERY SELECT numbers_json(n.api_json) FROM numbers n
                      WHERE n.account_id = p_account AND n.provider = p_provider
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT numbers_json(n.api_json) FROM numbers n
                      WHERE n.account_id = p_account AND n.e164 = p_e164
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    END IF;
END
$$;
