-- The hot reads as functions, so that PostgreSQL keeps their plans.
--
-- The service prepares nothing on the server: through a transaction pooler (PgBouncer,
-- RDS Proxy, ...) the next transaction may run on a connection that never saw the
-- statement. So every statement it sends is parsed and planned anew, and for these
-- reads that cost more than the reads themselves (docs/benchmarks.md). PL/pgSQL keeps
-- the plan of each statement of a function in the connection that runs it, whatever
-- client, pooler or transaction calls it: nothing a client must find again, so nothing
-- a pooler can lose. The statement that calls a function is cheap to plan.
--
-- Each function answers only while the key whose digest it is given is active (NULL:
-- no check), so that a read with a key the service has seen is one statement. Each is
-- one index lookup by a kept plan, so it cannot run long; a wait for a lock (behind a
-- migration's, say) gives up after the function's own lock_timeout, as the service's
-- statements do after theirs; the service's watchdog bounds anything else.

-- The API JSON of one number of an account, or NULL.
CREATE FUNCTION numbers_get(p_id uuid, p_account text, p_key_hash bytea) RETURNS text
    LANGUAGE plpgsql STABLE SET lock_timeout = '1s' AS $$
DECLARE
    answer text;
BEGIN
    SELECT api_json INTO answer
      FROM numbers
     WHERE id = p_id
       AND account_id = p_account
       AND (p_key_hash IS NULL
            OR EXISTS (SELECT 1 FROM api_keys WHERE key_hash = p_key_hash AND revoked_at IS NULL));
    RETURN answer;
END
$$;

-- Up to p_limit numbers of an account after the (created_at, id) position given, in the
-- list's order, matching every filter given (NULL: not filtered). A single filter, or
-- none, is a range scan of its own index (sql/001_schema.sql), with a plan kept; several
-- at once are planned each time, for the index that fits them.
CREATE FUNCTION numbers_page(p_account text, p_key_hash bytea,
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
        RETURN QUERY SELECT n.api_json FROM numbers n
                      WHERE n.account_id = p_account
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSIF filters > 1 THEN
        RETURN QUERY EXECUTE
            'SELECT n.api_json FROM numbers n
              WHERE n.account_id = $1 AND (n.created_at, n.id) > ($2, $3)
                AND ($5 IS NULL OR n.agent_id = $5) AND ($6 IS NULL OR n.credentials_id = $6)
                AND ($7 IS NULL OR n.provider = $7) AND ($8 IS NULL OR n.e164 = $8)
           ORDER BY n.created_at, n.id LIMIT $4'
            USING p_account, after_created_at, after_id, p_limit, p_agent_id,
                  p_credentials_id, p_provider, p_e164;
    ELSIF p_agent_id IS NOT NULL THEN
        RETURN QUERY SELECT n.api_json FROM numbers n
                      WHERE n.account_id = p_account AND n.agent_id = p_agent_id
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSIF p_credentials_id IS NOT NULL THEN
        RETURN QUERY SELECT n.api_json FROM numbers n
                      WHERE n.account_id = p_account AND n.credentials_id = p_credentials_id
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSIF p_provider IS NOT NULL THEN
        RETURN QUERY SELECT n.api_json FROM numbers n
                      WHERE n.account_id = p_account AND n.provider = p_provider
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT n.api_json FROM numbers n
                      WHERE n.account_id = p_account AND n.e164 = p_e164
                        AND (n.created_at, n.id) > (after_created_at, after_id)
                   ORDER BY n.created_at, n.id LIMIT p_limit;
    END IF;
END
$$;

-- A credential of an account as the API shows it (never its sealed value), or no row.
CREATE FUNCTION providers_get(p_id uuid, p_account text, p_key_hash bytea)
    RETURNS TABLE (id text, provider text, label text, credential_keys text[],
                   sealing_key_id text, verified_at text, created_at text, updated_at text)
    LANGUAGE plpgsql STABLE SET lock_timeout = '1s' AS $$
BEGIN
    RETURN QUERY
        SELECT p.id::text, p.provider::text, p.label, p.credential_keys, p.sealing_key_id,
               rfc3339(p.verified_at), rfc3339(p.created_at), rfc3339(p.updated_at)
          FROM providers p
         WHERE p.id = p_id
           AND p.account_id = p_account
           AND (p_key_hash IS NULL
                OR EXISTS (SELECT 1 FROM api_keys k
                            WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL));
END
$$;

-- Up to p_limit credentials of an account after the (created_at, id) position given.
CREATE FUNCTION providers_page(p_account text, p_key_hash bytea,
                               p_after_created_at timestamptz, p_after_id uuid, p_limit int)
    RETURNS TABLE (id text, provider text, label text, credential_keys text[],
                   sealing_key_id text, verified_at text, created_at text, updated_at text)
    LANGUAGE plpgsql STABLE SET lock_timeout = '1s' AS $$
BEGIN
    IF p_key_hash IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM api_keys k
                        WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL)
    THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT p.id::text, p.provider::text, p.label, p.credential_keys, p.sealing_key_id,
               rfc3339(p.verified_at), rfc3339(p.created_at), rfc3339(p.updated_at)
          FROM providers p
         WHERE p.account_id = p_account
           AND (p.created_at, p.id) > (coalesce(p_after_created_at, '-infinity'),
                                       coalesce(p_after_id, '00000000-0000-0000-0000-000000000000'))
      ORDER BY p.created_at, p.id
         LIMIT p_limit;
END
$$;
