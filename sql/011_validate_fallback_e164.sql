-- 010's CHECK, validated for the rows written before it, apart: VALIDATE CONSTRAINT scans
-- the table under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on meanwhile
-- (010's own lock was the brief ACCESS EXCLUSIVE of the catalog change).

ALTER TABLE numbers VALIDATE CONSTRAINT numbers_fallback_e164_form;
