-- An operator session is bound to the admin key it signed in with; see
-- migrations/sqlite/0008_session_key_mac.sql.
ALTER TABLE sessions ADD COLUMN key_mac TEXT NOT NULL DEFAULT '';
