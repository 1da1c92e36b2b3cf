-- passdesk: the whole current schema. A fresh database runs exactly this file;
-- an older one runs migrations/NNNN_*.sql in order. Keep user_version last.

-- Users of the local directory (the embedded default) and local administrators.
-- Only argon2id hashes are stored; `login` compares case-insensitively.
CREATE TABLE local_users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    email         TEXT,
    mobile        TEXT,
    office_phone  TEXT,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    locked        INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    password_set_at INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;
-- People may type their e-mail address instead of their user ID.
CREATE INDEX local_users_email ON local_users (email COLLATE NOCASE);

-- What a person registered with passdesk itself (or an administrator
-- imported, or directory sync copied), per directory account: an e-mail
-- address for codes (import and sync only), an alternate e-mail address,
-- phone numbers (E.164), security questions (JSON with argon2id hashes of the
-- normalised answers), an authenticator secret sealed under the server key,
-- or passkeys (JSON list of public keys). The directory's own mail, mobile
-- and office number need no row here.
CREATE TABLE enrolments (
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

-- One row per self-service flow (reset, unlock, change, register). The token
-- itself is never stored, only its SHA-256.
CREATE TABLE flows (
    id           INTEGER PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('reset', 'unlock')),
    directory    TEXT NOT NULL,
    login        TEXT NOT NULL,
    -- NULL for a decoy flow (unknown user, out of scope, no usable method).
    account_id   TEXT,
    state        TEXT NOT NULL CHECK (state IN ('proving', 'proven', 'done', 'cancelled')),
    methods_json TEXT NOT NULL,
    required     INTEGER NOT NULL CHECK (required IN (1, 2)),
    proven_json  TEXT NOT NULL DEFAULT '[]',
    -- The security questions drawn for this flow ([{id, text}]), re-drawn after a failure.
    challenge_json TEXT NOT NULL DEFAULT '[]',
    -- Linked accounts in other directories, written together with this one:
    -- [{"directory": …, "account_id": …}]; and the directories written so far.
    linked_json  TEXT NOT NULL DEFAULT '[]',
    written_json TEXT NOT NULL DEFAULT '[]',
    client_ip    TEXT,
    created_at   INTEGER NOT NULL,
    touched_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX flows_touched ON flows (touched_at);

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

-- One-time codes, stored only as HMAC-SHA256 under the server key and bound
-- to the flow and method that asked for them.
CREATE TABLE codes (
    id          INTEGER PRIMARY KEY,
    flow_id     INTEGER NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    method      TEXT NOT NULL,
    code_mac    BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    used_at     INTEGER
) STRICT;
CREATE INDEX codes_flow ON codes (flow_id, method, created_at);

-- Messages to send, written in the same transaction as the change that caused
-- them; the delivery worker moves them to 'sent' or 'dead'.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    created_at    INTEGER NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'voice')),
    recipient     TEXT NOT NULL,
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    -- A code message is pointless after its code expired: never send it late.
    expires_at    INTEGER,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead', 'expired')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error    TEXT,
    done_at       INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
-- The organisation's daily text-message and call budget counts these.
CREATE INDEX outbox_phone ON outbox (created_at) WHERE channel IN ('sms', 'voice');

-- Writebacks: the intent is stored before the directory is written and the
-- outcome after, so a crash in between is found and reconciled at start-up.
CREATE TABLE writebacks (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('reset', 'change')),
    directory    TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    login        TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    outcome      TEXT CHECK (outcome IN ('written', 'failed', 'applied', 'not_applied', 'unknown')),
    detail       TEXT,
    -- When the directory said the password was last set, read just before
    -- the write: a start-up that finds the intent open compares it with
    -- the directory's time then (NULL: the directory gave none).
    set_before   INTEGER
) STRICT;
CREATE INDEX writebacks_open ON writebacks (finished_at) WHERE finished_at IS NULL;

-- Failed proofs and sent messages per account (or per decoy user ID), and
-- the blocks they lead to. Keys are "directory:account" or "decoy:<mac>".
CREATE TABLE defence_events (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('failure', 'send')),
    destination TEXT,
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX defence_events_key ON defence_events (key, kind, at);
CREATE INDEX defence_events_destination ON defence_events (destination, at) WHERE destination IS NOT NULL;

CREATE TABLE blocks (
    key    TEXT PRIMARY KEY,
    until  INTEGER NOT NULL,
    reason TEXT NOT NULL
) STRICT;

-- "This wasn't me" links sent with every reset, unlock and change notice;
-- only the SHA-256 of the token is kept. Following one blocks self-service
-- for the account and alerts the administrators.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    directory   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    login       TEXT NOT NULL,
    what        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;

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

-- Which expiry reminders went out: one row per account, expiry instant and
-- mark (days before it), so each mark is sent once per expiry and a new
-- password (a new expiry) gets reminders of its own. Rows of expiries that
-- have passed are deleted by the next run.
CREATE TABLE expiry_reminders (
    directory   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    mark_days   INTEGER NOT NULL CHECK (mark_days BETWEEN 1 AND 365),
    sent_at     INTEGER NOT NULL,
    PRIMARY KEY (directory, account_id, expires_at, mark_days)
) STRICT;

-- Proof-of-work challenges already used (each is accepted once); rows are
-- purged after they could no longer be accepted anyway.
CREATE TABLE captchas_used (
    nonce      TEXT PRIMARY KEY,
    forget_at  INTEGER NOT NULL
) STRICT;

-- Administrator-editable settings, one JSON document per key
-- ('reset_policy'); read on every request, so a change needs no restart.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- Bearer tokens of the admin API; only their SHA-256 is stored.
CREATE TABLE admin_tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    -- Who issued it ('cli' or an administrator's login), and its last use.
    created_by  TEXT NOT NULL DEFAULT 'cli',
    last_used_at INTEGER
) STRICT;

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

-- Append-only audit trail; each row carries the SHA-256 of the previous row's
-- hash and its own fields, so an edited or deleted row breaks the chain.
CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    target       TEXT NOT NULL,
    activity     TEXT NOT NULL,
    result       TEXT NOT NULL,
    event_id     INTEGER,
    detail       TEXT NOT NULL,
    client_ip    TEXT,
    correlation  TEXT,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL,
    -- The method used, the directory written and the reason of a failure,
    -- for the filters and reports.
    method       TEXT,
    directory    TEXT,
    reason       TEXT
) STRICT;
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_target ON audit (target COLLATE NOCASE, at);
CREATE INDEX audit_activity ON audit (activity, at);
-- The admin page's failure, method and directory filters and their counts;
-- partial, so rows without the value cost no index space.
CREATE INDEX audit_failures ON audit (at) WHERE result = 'failure';
CREATE INDEX audit_failed_target ON audit (target COLLATE NOCASE, at) WHERE result = 'failure';
CREATE INDEX audit_failed_activity ON audit (activity, at) WHERE result = 'failure';
CREATE INDEX audit_method ON audit (method, at) WHERE method IS NOT NULL;
CREATE INDEX audit_directory ON audit (directory, at) WHERE directory IS NOT NULL;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;

-- An administrator asked this account to register again: until the person
-- proves or confirms their security info after `required_at`, the
-- registration portal treats it as out of date and asks at sign-in.
CREATE TABLE reregistrations (
    directory    TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    required_at  INTEGER NOT NULL,
    required_by  TEXT NOT NULL,
    PRIMARY KEY (directory, account_id)
) STRICT;

PRAGMA user_version = 6;
