-- Version 5: the helpdesk's "require re-registration".

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
