-- Version 3: password-expiry reminders.

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
