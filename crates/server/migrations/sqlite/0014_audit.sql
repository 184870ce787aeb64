-- The audit log (issue 12, SPEC S2): every read and write of personal data
-- and every security event, one row each, chained by hash (each row carries
-- the hash of the one before). Written by one group-commit writer per
-- instance; never updated or deleted. Keep in step with ../postgres/.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    user_id    TEXT,
    address    TEXT,
    action     TEXT NOT NULL,
    person_id  TEXT,
    plan_id    TEXT,
    version    BIGINT,
    outcome    TEXT NOT NULL,
    reason     TEXT,
    -- What was asked, e.g. "GET /plans/{id}" or a search's terms.
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_log_person ON audit_log (person_id, seq);
CREATE INDEX audit_log_plan ON audit_log (plan_id, seq);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The chain's head: the last entry's number and hash. Every batch locks
-- this one row first, so entries from several instances form one chain.
CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL,
    checkpoint_seq  BIGINT NOT NULL,
    checkpoint_at   BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, checkpoint_seq, checkpoint_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, 0);

-- Signed checkpoints: HMAC-SHA-256 over (seq, hash) with a key kept
-- outside the database.
CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    hash       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    key_id     TEXT NOT NULL,
    signature  TEXT NOT NULL
);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_append_only_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;

-- Plan and person histories are chained the same way: each new change
-- carries SHA-256 over its own content and the previous change's hash.
-- Rows written before this migration have none (verify reports them).
ALTER TABLE plan_changes ADD COLUMN hash TEXT;
ALTER TABLE person_changes ADD COLUMN hash TEXT;
