-- 008's constraint on events' actor, checked against the rows that were there before.
--
-- VALIDATE CONSTRAINT reads the whole table (seconds at ten million events) under a
-- SHARE UPDATE EXCLUSIVE lock, which blocks no read and no write: only another ALTER
-- TABLE, a VACUUM or an index build of events waits for it. In a file of its own, so
-- that the scan does not run inside 008's transaction, under its ACCESS EXCLUSIVE lock.

ALTER TABLE events VALIDATE CONSTRAINT events_actor;
