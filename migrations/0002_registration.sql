-- Version 2: registration sessions, one-time reset links, enrolment
-- reminders; enrolments gain the 'passkey' kind and the 'sync' source;
-- local accounts are found by e-mail through an index.
-- SQLite cannot change a CHECK constraint, so enrolments is rebuilt.

-- People may type their e-mail address instead of their user ID.
CREATE INDEX local_users_email ON local_users (email COLLATE NOCASE);

-- What a person registered with passdesk itself (or an administrator
-- imported, or directory sync copied), per directory account: an e-mail
-- address for codes (import and sync only), an alternate e-mail address,
-- phone numbers (E.164), security questions (JSON with argon2id hashes of the
-- normalised answers), an authenticator secret sealed under the server key,
-- or passkeys (JSON list of public keys). The directory's own mail, mobile
-- and office number need no row here.
CREATE TABLE enrolments_v2 (
    id          INTEGER PRIMARY KEY,
    directory   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    kind        TEXT NOT NULL
                CHECK (kind IN ('email', 'alt_email', 'mobile', 'office_phone', 'questions', 'authenticator', 'passkey')),
    value       TEXT NOT NULL,
    verified_at INTEGER NOT NULL,
    -- Who set it: the person ('user', verified by them), an administrator's
    -- import ('import') or directory sync ('sync'); neither of the last two
    -- silently replaces the person's own.
    source      TEXT NOT NULL DEFAULT 'user' CHECK (source IN ('user', 'import', 'sync')),
    -- Authenticator: the newest time step accepted, so no code is used twice.
    last_step   INTEGER,
    UNIQUE (directory, account_id, kind)
) STRICT;
INSERT INTO enrolments_v2 (id, directory, account_id, kind, value, verified_at, source, last_step)
    SELECT id, directory, account_id, kind, value, verified_at, source, last_step FROM enrolments;
DROP TABLE enrolments;
ALTER TABLE enrolments_v2 RENAME TO enrolments;

-- Signed-in sessions of the registration portal: a person who proved their
-- directory password. Only the SHA-256 of the token is stored. A session
-- holds at most one registration waiting for its proof: an address or
-- number with the MAC of the code sent there, or a new authenticator secret
-- (sealed under the server key) until the app's first code confirms it.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    directory    TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    login        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    touched_at   INTEGER NOT NULL,
    -- The person chose "skip for now" on the registration interrupt.
    skipped      INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    pending_kind TEXT,
    pending_value TEXT,
    pending_mac  BLOB,
    pending_sent_at INTEGER,
    pending_expires_at INTEGER,
    pending_failures INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sessions_touched ON sessions (touched_at);

-- One-time reset links an administrator sent to a person's pre-populated
-- address (a new joiner's first password): opening one starts a reset with
-- that proof passed. Single use, 24 hours; only the SHA-256 is stored.
CREATE TABLE reset_links (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    directory   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    login       TEXT NOT NULL,
    method      TEXT NOT NULL,
    sent_by     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

-- When each account was last reminded to register, so reminders go out at
-- most once per the policy's reminder_days.
CREATE TABLE reminders (
    directory   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    sent_at     INTEGER NOT NULL,
    PRIMARY KEY (directory, account_id)
) STRICT;
