-- Events made by an operator's command rather than an API key (contract section 9):
-- `sealing rotate` records {"kind": "operator", "command": "sealing rotate"}, with no
-- key. An operator's event has a command and no key; a key's has a key and no command.
--
-- Safe on a table of ten million events while the service writes to it: one ALTER
-- TABLE whose every part is a change of the catalog alone, with no rewrite and no scan.
-- - ADD COLUMN, nullable and without a default: existing rows read NULL as they are.
-- - DROP NOT NULL: nothing to check.
-- - The old CHECK is dropped and the new one added NOT VALID: PostgreSQL enforces it on
--   every row written from now on, without reading the rows already there (each has a
--   key, an account or platform kind and no command, so it holds for them too).
-- Its ACCESS EXCLUSIVE lock is held for those catalog writes (milliseconds), once the
-- statements already running on events are done (each within the service's 2 s
-- statement_timeout). 009 validates the constraint in a transaction of its own, since
-- the scan must not run under this lock.

ALTER TABLE events
    ADD COLUMN actor_command text,
    ALTER COLUMN actor_key_id DROP NOT NULL,
    DROP CONSTRAINT events_actor_kind_check,
    ADD CONSTRAINT events_actor CHECK (
           (actor_kind IN ('account', 'platform')
            AND actor_key_id IS NOT NULL AND actor_command IS NULL)
        OR (actor_kind = 'operator'
            AND actor_key_id IS NULL
            AND actor_command IS NOT NULL AND length(actor_command) BETWEEN 1 AND 64)
    ) NOT VALID;
