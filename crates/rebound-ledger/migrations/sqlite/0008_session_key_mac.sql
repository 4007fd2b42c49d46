-- An operator session is bound to the admin key it signed in with: HMAC-SHA256 of the key under
-- the cookie's token (which is not stored), so a restart with another admin key ends it and the
-- column lets nobody guess the key offline. Sessions from before this column have none: ended.
ALTER TABLE sessions ADD COLUMN key_mac TEXT NOT NULL DEFAULT '';
