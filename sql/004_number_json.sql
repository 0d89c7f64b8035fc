-- Each number's API object, kept in its row: a page of numbers, the platform's hot
-- read, is then the rows' texts joined, with no formatting of timestamps or building
-- of objects per request (measured for a page of 51: 140 us of server time instead of
-- 260, and 70 us of the API process's instead of 200). A trigger recomputes it on
-- every insert and update, so it cannot drift from the columns; it costs an insert
-- about 30 us (a generated column calling a SQL function cost 115).

-- RFC 3339 in UTC with six fraction digits, the contract's timestamps. STABLE, as
-- to_char is: the planner then inlines it into the queries that call it.
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');

ALTER TABLE numbers ADD COLUMN api_json text;

-- The contract's phone number object, compact, fields in the contract's order. The
-- text columns need no escaping: their checks allow no quote or backslash.
CREATE FUNCTION numbers_api_json() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.api_json := '{"id":"' || NEW.id::text
        || '","e164":"' || NEW.e164
        || '","provider":"' || NEW.provider
        || '","credentials_id":"' || NEW.credentials_id::text
        || '","agent_id":' || coalesce('"' || NEW.agent_id || '"', 'null')
        || ',"inbound_enabled":' || NEW.inbound_enabled::text
        || ',"outbound_enabled":' || NEW.outbound_enabled::text
        || ',"created_at":"' || rfc3339(NEW.created_at)
        || '","updated_at":"' || rfc3339(NEW.updated_at) || '"}';
    RETURN NEW;
END
$$;

CREATE TRIGGER numbers_api_json BEFORE INSERT OR UPDATE ON numbers
    FOR EACH ROW EXECUTE FUNCTION numbers_api_json();
-- Also for bulk loads that skip ordinary triggers (session_replication_role = replica).
ALTER TABLE numbers ENABLE ALWAYS TRIGGER numbers_api_json;

UPDATE numbers SET id = id;  -- the rows already there get theirs
ALTER TABLE numbers ALTER COLUMN api_json SET NOT NULL;
