-- Retention (issue 12, SPEC S4). Keep in step with ../postgres/.
--
-- Closed plans are removed when their plan type's retention period has
-- passed (crates/domain/src/retention.rs; store/retention.rs), unless a
-- legal hold stops it. The history stays append-only and hash-chained:
--
-- * Every change written from now on carries `digest`, SHA-256 over its
--   reason and body, and its chain hash is computed over the digest, not
--   the body (audit::change_hash_v2). The body and reason can therefore be
--   replaced by a redaction marker later and the chain still verifies.
-- * The only update the database allows on a history row is that
--   redaction, and only when a recorded retention event names the row
--   (`redacted_by` = the event, which covers changes 1..=through_seq of
--   that plan or person); every other column must stay as it was.
-- * `goldthread verify` accepts a redacted row only when such an event
--   covers it, and still detects any other edit.
-- Rows written before this migration keep their old hash (over the body);
-- they still verify, and when redacted are vouched for by the event's
-- recorded head hash (see store/chain.rs).

CREATE TABLE retention_events (
    id           TEXT PRIMARY KEY,
    at           BIGINT NOT NULL,
    -- 'plan': the plan's content removed; 'person': the person anonymised.
    kind         TEXT NOT NULL CHECK (kind IN ('plan', 'person')),
    subject_id   TEXT NOT NULL,
    -- The person whose plan it was (for a plan), or the person.
    person_id    TEXT NOT NULL,
    plan_type    TEXT,
    -- Changes 1..=through_seq of the subject's history were redacted.
    through_seq  BIGINT NOT NULL,
    -- The hash of change through_seq when it was redacted (NULL if unchained).
    head_hash    TEXT,
    -- The rule in words and the first day it allowed removal (YYYY-MM-DD).
    rule         TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    -- Uploaded files and other records deleted with it (counts only).
    files_deleted   BIGINT NOT NULL,
    records_deleted BIGINT NOT NULL,
    -- Who ran it: a user, or NULL for the scheduler.
    run_by       TEXT REFERENCES users (id),
    run_by_name  TEXT NOT NULL
);
CREATE INDEX retention_events_subject ON retention_events (kind, subject_id);
CREATE TRIGGER retention_events_no_update BEFORE UPDATE ON retention_events
BEGIN SELECT RAISE(ABORT, 'the retention record is append-only'); END;
CREATE TRIGGER retention_events_no_delete BEFORE DELETE ON retention_events
BEGIN SELECT RAISE(ABORT, 'the retention record is append-only'); END;

-- Legal holds on a plan or a person: set and lifted by an administrator
-- with a reason; a held record is never removed.
CREATE TABLE legal_holds (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT REFERENCES plans (id),
    person_id   TEXT REFERENCES people (id),
    reason      TEXT NOT NULL,
    -- The administrator (NULL when set from the command line).
    set_by      TEXT REFERENCES users (id),
    set_by_name TEXT NOT NULL,
    set_at      BIGINT NOT NULL,
    lifted_by   TEXT REFERENCES users (id),
    lifted_by_name TEXT,
    lifted_at   BIGINT,
    lift_reason TEXT,
    CHECK ((plan_id IS NULL) <> (person_id IS NULL))
);
CREATE INDEX legal_holds_plan ON legal_holds (plan_id) WHERE lifted_at IS NULL;
CREATE INDEX legal_holds_person ON legal_holds (person_id) WHERE lifted_at IS NULL;
-- A hold is lifted once; nothing else about it changes, and none is deleted.
CREATE TRIGGER legal_holds_lift_only BEFORE UPDATE ON legal_holds
WHEN NOT (OLD.lifted_at IS NULL AND NEW.lifted_at IS NOT NULL AND NEW.lifted_by_name IS NOT NULL
    AND NEW.id = OLD.id AND NEW.plan_id IS OLD.plan_id AND NEW.person_id IS OLD.person_id
    AND NEW.reason = OLD.reason AND NEW.set_by IS OLD.set_by AND NEW.set_at = OLD.set_at)
BEGIN SELECT RAISE(ABORT, 'a legal hold is only ever lifted'); END;
CREATE TRIGGER legal_holds_no_delete BEFORE DELETE ON legal_holds
BEGIN SELECT RAISE(ABORT, 'legal holds are kept'); END;

-- Removed plans and anonymised people stay as rows (their histories'
-- chains need them) but are hidden from every list and page.
ALTER TABLE plans ADD COLUMN removed_at BIGINT;
ALTER TABLE people ADD COLUMN removed_at BIGINT;

ALTER TABLE plan_changes ADD COLUMN digest TEXT;
ALTER TABLE plan_changes ADD COLUMN redacted_by TEXT REFERENCES retention_events (id);
ALTER TABLE person_changes ADD COLUMN digest TEXT;
ALTER TABLE person_changes ADD COLUMN redacted_by TEXT REFERENCES retention_events (id);

DROP TRIGGER plan_changes_append_only_update;
CREATE TRIGGER plan_changes_append_only_update BEFORE UPDATE ON plan_changes
WHEN NOT (OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL
    AND NEW.plan_id = OLD.plan_id AND NEW.seq = OLD.seq AND NEW.at = OLD.at
    AND NEW.author_id IS OLD.author_id AND NEW.author_name = OLD.author_name
    AND NEW.hash IS OLD.hash AND NEW.digest IS OLD.digest
    AND NEW.reason IS NULL AND NEW.change = '{"redacted":"retention"}'
    AND EXISTS (SELECT 1 FROM retention_events e WHERE e.id = NEW.redacted_by
        AND e.kind = 'plan' AND e.subject_id = OLD.plan_id AND e.through_seq >= OLD.seq))
BEGIN SELECT RAISE(ABORT, 'plan history is append-only (only a recorded retention event redacts a change)'); END;

DROP TRIGGER person_changes_append_only_update;
CREATE TRIGGER person_changes_append_only_update BEFORE UPDATE ON person_changes
WHEN NOT (OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL
    AND NEW.person_id = OLD.person_id AND NEW.seq = OLD.seq AND NEW.at = OLD.at
    AND NEW.author_id IS OLD.author_id AND NEW.author_name = OLD.author_name
    AND NEW.hash IS OLD.hash AND NEW.digest IS OLD.digest
    AND NEW.reason IS NULL AND NEW.details = '{"redacted":"retention"}'
    AND EXISTS (SELECT 1 FROM retention_events e WHERE e.id = NEW.redacted_by
        AND e.kind = 'person' AND e.subject_id = OLD.person_id AND e.through_seq >= OLD.seq))
BEGIN SELECT RAISE(ABORT, 'person history is append-only (only a recorded retention event redacts a change)'); END;

-- The records of doing a removed plan go with it, and only then.
DROP TRIGGER monitoring_records_no_delete;
CREATE TRIGGER monitoring_records_no_delete BEFORE DELETE ON monitoring_records
WHEN NOT EXISTS (SELECT 1 FROM retention_events e WHERE e.kind = 'plan' AND e.subject_id = OLD.plan_id)
BEGIN SELECT RAISE(ABORT, 'monitoring records are append-only'); END;
DROP TRIGGER minutes_sent_no_delete;
CREATE TRIGGER minutes_sent_no_delete BEFORE DELETE ON minutes_sent
WHEN NOT EXISTS (SELECT 1 FROM retention_events e WHERE e.kind = 'plan' AND e.subject_id = OLD.plan_id)
BEGIN SELECT RAISE(ABORT, 'minutes sent are append-only'); END;
DROP TRIGGER clock_requests_no_delete;
CREATE TRIGGER clock_requests_no_delete BEFORE DELETE ON clock_requests
WHEN NOT EXISTS (SELECT 1 FROM retention_events e WHERE e.kind = 'plan' AND e.subject_id = OLD.plan_id)
BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
DROP TRIGGER clock_requests_met_no_delete;
CREATE TRIGGER clock_requests_met_no_delete BEFORE DELETE ON clock_requests_met
WHEN NOT EXISTS (SELECT 1 FROM retention_events e WHERE e.kind = 'plan' AND e.subject_id = OLD.plan_id)
BEGIN SELECT RAISE(ABORT, 'requests met are append-only'); END;

-- The audit log keeps who, when and what about a removed plan or an
-- anonymised person, but not the reason they gave (which may say anything
-- about the person). Entries written from now on carry the reason's
-- digest, which their hash covers instead of the reason; retention removes
-- the reason (and only it) of such entries about the plan or person a
-- recorded event names. Older entries keep their reason.
ALTER TABLE audit_log ADD COLUMN reason_digest TEXT;
ALTER TABLE audit_log ADD COLUMN redacted_by TEXT REFERENCES retention_events (id);
DROP TRIGGER audit_log_append_only_update;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL AND NEW.reason IS NULL
    AND OLD.reason_digest IS NOT NULL AND NEW.reason_digest = OLD.reason_digest
    AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.user_id IS OLD.user_id AND NEW.address IS OLD.address
    AND NEW.action = OLD.action AND NEW.person_id IS OLD.person_id AND NEW.plan_id IS OLD.plan_id
    AND NEW.version IS OLD.version AND NEW.outcome = OLD.outcome AND NEW.detail = OLD.detail
    AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
    AND EXISTS (SELECT 1 FROM retention_events e WHERE e.id = NEW.redacted_by
        AND ((e.kind = 'plan' AND e.subject_id = OLD.plan_id) OR (e.kind = 'person' AND e.subject_id = OLD.person_id))))
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
