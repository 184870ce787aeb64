-- Issue 9: invitations to a plan, messages to send, in-app notifications
-- and copies of a plan sent to its parties.

-- A link sent to someone to join one plan as one of its parties. Only the
-- token's hash is kept; the link works once, until it expires or is
-- revoked.
CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    party_id    TEXT NOT NULL,
    email       TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    used_by     TEXT REFERENCES users (id),
    revoked_at  BIGINT
);
CREATE INDEX invitations_by_plan ON invitations (plan_id);

-- Messages waiting to be sent (or kept for the in-app outbox when no SMTP
-- server is configured). Each is claimed by one instance at a time.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    link            TEXT,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'kept', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- What a user is told in the app ("you have been asked to agree").
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    plan_id    TEXT REFERENCES plans (id),
    text       TEXT NOT NULL,
    link       TEXT,
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at);

-- Copies of a plan sent to a party: who received which version, when, how.
CREATE TABLE plan_copies (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES plans (id),
    party_id   TEXT NOT NULL,
    party_name TEXT NOT NULL,
    version    BIGINT NOT NULL,
    how        TEXT NOT NULL,
    address    TEXT NOT NULL,
    sent_by    TEXT NOT NULL REFERENCES users (id),
    sent_at    BIGINT NOT NULL,
    message_id TEXT REFERENCES outbox (id)
);
CREATE INDEX plan_copies_by_plan ON plan_copies (plan_id);
