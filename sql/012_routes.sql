-- Routing a call (contract section 11): the platform's own reads, each one statement whose
-- plan PostgreSQL keeps (as sql/007's reads), by unique index and primary key, whatever
-- the tables' size.
--
-- Who answers a dialled number: the number by its unique index, its credential by its
-- primary key. The routing rule is decided here, once: inbound calls go to the agent when
-- they are enabled and the number is pinned; to the fallback when enabled, unpinned and
-- a fallback is set; otherwise they are rejected.

CREATE FUNCTION routes_get(p_e164 text, p_account text, p_key_hash bytea)
    RETURNS TABLE (e164 text, account_id text, number_id text, provider text,
                   credentials_id text, sealing_key_id text, agent_id text,
                   inbound_enabled boolean, outbound_enabled boolean, fallback_e164 text,
                   inbound text)
    LANGUAGE plpgsql STABLE SET lock_timeout = '1s' AS $$
BEGIN
    RETURN QUERY
        SELECT n.e164, n.account_id::text, n.id::text, n.provider::text,
               n.credentials_id::text, p.sealing_key_id, n.agent_id, n.inbound_enabled,
               n.outbound_enabled, n.fallback_e164,
               CASE WHEN n.inbound_enabled AND n.agent_id IS NOT NULL THEN 'agent'
                    WHEN n.inbound_enabled AND n.fallback_e164 IS NOT NULL THEN 'fallback'
                    ELSE 'reject' END
          FROM numbers n
          JOIN providers p ON p.id = n.credentials_id
         WHERE n.e164 = p_e164
           AND (p_account IS NULL OR n.account_id = p_account)
           AND (p_key_hash IS NULL
                OR EXISTS (SELECT 1 FROM api_keys k
                            WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL));
END
$$;

-- The credential to dial with, as stored: sealed, for the service that dials out (which
-- holds the private key). By primary key, in one statement, as providers_get.
CREATE FUNCTION providers_sealed(p_id uuid, p_account text, p_key_hash bytea)
    RETURNS TABLE (id text, provider text, sealing_key_id text, sealed_credentials bytea)
    LANGUAGE plpgsql STABLE SET lock_timeout = '1s' AS $$
BEGIN
    RETURN QUERY
        SELECT p.id::text, p.provider::text, p.sealing_key_id, p.sealed_credentials
          FROM providers p
         WHERE p.id = p_id
           AND p.account_id = p_account
           AND (p_key_hash IS NULL
                OR EXISTS (SELECT 1 FROM api_keys k
                            WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL));
END
$$;
