-- Sessions know whose they are (so a user can list and end them, and
-- deactivation or a password change can end them) and when they began.
-- Sessions stored before this had no owner recorded: they end.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN user_id TEXT;
ALTER TABLE sessions ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens expire and can be revoked; existing ones get the default
-- lifetime of 90 days from when they were made.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT;
UPDATE api_tokens SET expires_at = created_at + 7776000000;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Sign-in throttling: one row per account, address or device, updated
-- atomically before any password is checked.
DROP TABLE sign_in_failures;
CREATE TABLE sign_in_throttle (
    key      TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at  BIGINT NOT NULL,
    next_at  BIGINT NOT NULL
);
CREATE INDEX sign_in_throttle_last_at ON sign_in_throttle (last_at);

-- Keys shared by every instance (signing cookies), made on first start.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
