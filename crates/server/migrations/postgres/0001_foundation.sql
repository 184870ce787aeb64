-- Goldthread foundation schema (PostgreSQL). Keep in step with ../sqlite/.
-- Timestamps are milliseconds since the Unix epoch (UTC); ids are UUID text.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'practitioner', 'viewer')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Failed sign-ins, counted per account and per address for rate limiting.
CREATE TABLE sign_in_failures (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_account ON sign_in_failures (account, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (team_id, user_id)
);

-- People: the current record is a projection of person_changes.
CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    details     TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_name  TEXT NOT NULL,
    search_text TEXT NOT NULL,
    version     BIGINT NOT NULL,
    created_by  TEXT REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX people_name ON people (family_name, given_name);

CREATE TABLE person_changes (
    person_id   TEXT NOT NULL REFERENCES people (id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    author_id   TEXT,
    author_name TEXT NOT NULL,
    reason      TEXT,
    details     TEXT NOT NULL,
    PRIMARY KEY (person_id, seq)
);

-- Plans: the current state is a projection of plan_changes, rebuilt from it.
CREATE TABLE plans (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people (id),
    plan_type  TEXT NOT NULL,
    number     BIGINT NOT NULL,
    title      TEXT NOT NULL,
    status     TEXT NOT NULL,
    version    BIGINT NOT NULL,
    state      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX plans_person ON plans (person_id);

CREATE TABLE plan_changes (
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    author_id   TEXT,
    author_name TEXT NOT NULL,
    reason      TEXT,
    change      TEXT NOT NULL,
    PRIMARY KEY (plan_id, seq)
);

-- Who may see a plan besides administrators: a user or a team.
-- source: 'creator', 'party' (kept in step with the plan's parties) or 'grant'.
CREATE TABLE plan_access (
    plan_id    TEXT NOT NULL REFERENCES plans (id),
    user_id    TEXT REFERENCES users (id),
    team_id    TEXT REFERENCES teams (id),
    source     TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    CHECK ((user_id IS NULL) <> (team_id IS NULL))
);
CREATE UNIQUE INDEX plan_access_user ON plan_access (plan_id, user_id, source) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX plan_access_team ON plan_access (plan_id, team_id) WHERE team_id IS NOT NULL;
CREATE INDEX plan_access_by_user ON plan_access (user_id);

-- Who may see a person without seeing any of their plans (the practitioner
-- who added them).
CREATE TABLE person_access (
    person_id  TEXT NOT NULL REFERENCES people (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, user_id)
);
CREATE INDEX person_access_by_user ON person_access (user_id);

-- History is append-only: the database itself refuses to rewrite it.
CREATE FUNCTION goldthread_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER plan_changes_append_only BEFORE UPDATE OR DELETE ON plan_changes
FOR EACH ROW EXECUTE FUNCTION goldthread_append_only();
CREATE TRIGGER person_changes_append_only BEFORE UPDATE OR DELETE ON person_changes
FOR EACH ROW EXECUTE FUNCTION goldthread_append_only();
