-- Uploaded files (appendices, e.g. the scanned signed copy). Kept in the
-- database so that every instance serves them and backups hold them.
CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES plans (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BYTEA NOT NULL,
    uploaded_by  TEXT REFERENCES users (id),
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX files_plan ON files (plan_id);
