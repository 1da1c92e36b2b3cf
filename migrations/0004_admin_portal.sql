-- Version 4: the admin portal.

-- Signed-in sessions of the admin portal. Only the SHA-256 of the cookie's
-- token is stored. `touched_at` drives the idle timeout, `created_at` the
-- absolute one, and `reauth_at` (the last time the password was typed)
-- gates sensitive changes.
CREATE TABLE admin_sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    login       TEXT NOT NULL,
    directory   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    touched_at  INTEGER NOT NULL,
    reauth_at   INTEGER NOT NULL,
    client_ip   TEXT
) STRICT;
CREATE INDEX admin_sessions_touched ON admin_sessions (touched_at);

-- Who issued an admin API token, and when it was last used, for the
-- tokens page.
ALTER TABLE admin_tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT 'cli';
ALTER TABLE admin_tokens ADD COLUMN last_used_at INTEGER;

-- The audit trail's own columns for what the filters and reports need:
-- the method used, the directory written and the reason of a failure.
ALTER TABLE audit ADD COLUMN method TEXT;
ALTER TABLE audit ADD COLUMN directory TEXT;
ALTER TABLE audit ADD COLUMN reason TEXT;
CREATE INDEX audit_target ON audit (target COLLATE NOCASE, at);
CREATE INDEX audit_activity ON audit (activity, at);
-- The admin page's failure, method and directory filters and their counts;
-- partial, so rows without the value cost no index space.
CREATE INDEX audit_failures ON audit (at) WHERE result = 'failure';
CREATE INDEX audit_failed_target ON audit (target COLLATE NOCASE, at) WHERE result = 'failure';
CREATE INDEX audit_failed_activity ON audit (activity, at) WHERE result = 'failure';
CREATE INDEX audit_method ON audit (method, at) WHERE method IS NOT NULL;
CREATE INDEX audit_directory ON audit (directory, at) WHERE directory IS NOT NULL;
