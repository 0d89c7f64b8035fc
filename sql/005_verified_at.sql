-- When the carrier last accepted a credential (the check of contract 4.1, made while
-- the plaintext exists only in the request that brings it). NULL: stored unchecked,
-- because checks were switched off (CARRIER_VERIFICATION=off) or the row predates them.

ALTER TABLE providers ADD COLUMN verified_at timestamptz;
