-- Teams sharing people, two-factor sign-in (TOTP) and single sign-on (OpenID
-- Connect). Keep in step with the other database's folder.

-- A person shared with a team: its members see the person (read-only).
CREATE TABLE person_team_access (
    person_id  TEXT NOT NULL REFERENCES people (id),
    team_id    TEXT NOT NULL REFERENCES teams (id),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, team_id)
);
CREATE INDEX person_team_access_by_team ON person_team_access (team_id);
CREATE INDEX team_members_by_user ON team_members (user_id);

-- Organisation-wide settings an administrator changes, e.g. who must use
-- two-factor sign-in.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A user's authenticator app (RFC 6238). The secret is stored encrypted;
-- confirmed_at is NULL while set-up is unfinished. last_step is the last
-- time step a code was accepted for, so no code is accepted twice.
CREATE TABLE user_totp (
    user_id      TEXT PRIMARY KEY REFERENCES users (id),
    secret       TEXT NOT NULL,
    confirmed_at BIGINT,
    last_step    BIGINT NOT NULL DEFAULT 0
);

-- One-time recovery codes, stored as SHA-256 hashes.
CREATE TABLE totp_recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- Accounts linked to an identity provider's subject (OpenID Connect).
CREATE TABLE oidc_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_by_user ON oidc_identities (user_id);
