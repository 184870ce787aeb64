-- Retention (issue 12, SPEC S4). Keep in step with ../sqlite/.
--
-- Closed plans are removed when their plan type's retention period has
-- passed (crates/domain/src/retention.rs; store/retention.rs), unless a
-- legal hold stops it. The history stays append-only and hash-chained:
--
-- * Every change written from now on carries `digest`, SHA-256 over its
--   reason and body, and its chain hash is computed over the digest, not
--   the body (audit::change_hash_v2). The body and reason can therefore be
--   replaced by a redaction marker later and the chain still verifies.
-- * The only update the database allows (triggers; and with the
--   grants in the README, only through goldthread_retention_redact below) on a history row is that
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
CREATE TRIGGER retention_events_no_change BEFORE UPDATE OR DELETE ON retention_events
FOR EACH ROW EXECUTE FUNCTION goldthread_append_only();

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
CREATE FUNCTION goldthread_legal_hold_lift_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.lifted_at IS NULL AND NEW.lifted_at IS NOT NULL AND NEW.lifted_by_name IS NOT NULL
        AND NEW.id = OLD.id AND NEW.plan_id IS NOT DISTINCT FROM OLD.plan_id
        AND NEW.person_id IS NOT DISTINCT FROM OLD.person_id
        AND NEW.reason = OLD.reason AND NEW.set_by IS NOT DISTINCT FROM OLD.set_by AND NEW.set_at = OLD.set_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'a legal hold is only ever lifted';
END;
$$;
CREATE TRIGGER legal_holds_lift_only BEFORE UPDATE OR DELETE ON legal_holds
FOR EACH ROW EXECUTE FUNCTION goldthread_legal_hold_lift_only();

-- Removed plans and anonymised people stay as rows (their histories'
-- chains need them) but are hidden from every list and page.
ALTER TABLE plans ADD COLUMN removed_at BIGINT;
ALTER TABLE people ADD COLUMN removed_at BIGINT;

ALTER TABLE plan_changes ADD COLUMN digest TEXT;
ALTER TABLE plan_changes ADD COLUMN redacted_by TEXT REFERENCES retention_events (id);
ALTER TABLE person_changes ADD COLUMN digest TEXT;
ALTER TABLE person_changes ADD COLUMN redacted_by TEXT REFERENCES retention_events (id);

-- The one update history rows allow: the redaction a recorded retention
-- event names; every other column as it was.
CREATE FUNCTION goldthread_history_redaction_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_kind TEXT := CASE TG_TABLE_NAME WHEN 'plan_changes' THEN 'plan' ELSE 'person' END;
    old_row JSONB := to_jsonb(OLD);
    new_row JSONB := to_jsonb(NEW);
    v_subject TEXT := CASE TG_TABLE_NAME WHEN 'plan_changes' THEN old_row->>'plan_id' ELSE old_row->>'person_id' END;
    v_body TEXT := CASE TG_TABLE_NAME WHEN 'plan_changes' THEN 'change' ELSE 'details' END;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL
        AND (old_row - v_body - 'reason' - 'redacted_by') = (new_row - v_body - 'reason' - 'redacted_by')
        AND NEW.reason IS NULL AND new_row->>v_body = '{"redacted":"retention"}'
        AND EXISTS (SELECT 1 FROM retention_events e WHERE e.id = NEW.redacted_by
            AND e.kind = v_kind AND e.subject_id = v_subject AND e.through_seq >= OLD.seq) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only (only a recorded retention event redacts a change)', TG_TABLE_NAME;
END;
$$;
DROP TRIGGER plan_changes_append_only ON plan_changes;
CREATE TRIGGER plan_changes_append_only BEFORE UPDATE OR DELETE ON plan_changes
FOR EACH ROW EXECUTE FUNCTION goldthread_history_redaction_only();
DROP TRIGGER person_changes_append_only ON person_changes;
CREATE TRIGGER person_changes_append_only BEFORE UPDATE OR DELETE ON person_changes
FOR EACH ROW EXECUTE FUNCTION goldthread_history_redaction_only();

-- The records of doing a removed plan go with it, and only then.
CREATE FUNCTION goldthread_append_only_unless_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM retention_events e
        WHERE e.kind = 'plan' AND e.subject_id = OLD.plan_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
DROP TRIGGER monitoring_records_no_change ON monitoring_records;
CREATE TRIGGER monitoring_records_no_change BEFORE UPDATE OR DELETE ON monitoring_records
FOR EACH ROW EXECUTE FUNCTION goldthread_append_only_unless_removed();
DROP TRIGGER minutes_sent_no_change ON minutes_sent;
CREATE TRIGGER minutes_sent_no_change BEFORE UPDATE OR DELETE ON minutes_sent
FOR EACH ROW EXECUTE FUNCTION goldthread_append_only_unless_removed();
DROP TRIGGER clock_requests_no_change ON clock_requests;
CREATE TRIGGER clock_requests_no_change BEFORE UPDATE OR DELETE ON clock_requests
FOR EACH ROW EXECUTE FUNCTION goldthread_append_only_unless_removed();
DROP TRIGGER clock_requests_met_no_change ON clock_requests_met;
CREATE TRIGGER clock_requests_met_no_change BEFORE UPDATE OR DELETE ON clock_requests_met
FOR EACH ROW EXECUTE FUNCTION goldthread_append_only_unless_removed();

-- The audit log keeps who, when and what about a removed plan or an
-- anonymised person, but not the reason they gave (which may say anything
-- about the person). Entries written from now on carry the reason's
-- digest, which their hash covers instead of the reason; retention removes
-- the reason (and only it) of such entries about the plan or person a
-- recorded event names. Older entries keep their reason.
ALTER TABLE audit_log ADD COLUMN reason_digest TEXT;
ALTER TABLE audit_log ADD COLUMN redacted_by TEXT REFERENCES retention_events (id);
CREATE FUNCTION goldthread_audit_redaction_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.redacted_by IS NULL AND NEW.redacted_by IS NOT NULL AND NEW.reason IS NULL
        AND OLD.reason_digest IS NOT NULL
        AND (to_jsonb(OLD) - 'reason' - 'redacted_by') = (to_jsonb(NEW) - 'reason' - 'redacted_by')
        AND EXISTS (SELECT 1 FROM retention_events e WHERE e.id = NEW.redacted_by
            AND ((e.kind = 'plan' AND e.subject_id = OLD.plan_id) OR (e.kind = 'person' AND e.subject_id = OLD.person_id))) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION goldthread_audit_redaction_only();

-- The one door the application uses (its role has no UPDATE or DELETE on
-- these tables, see the README's grants): redacts what the recorded event
-- covers and deletes the removed plan's records of doing. Runs with the
-- owner's rights; the triggers above still check every row.
CREATE FUNCTION goldthread_retention_redact(event_id TEXT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    ev retention_events%ROWTYPE;
    n BIGINT := 0;
BEGIN
    SELECT * INTO ev FROM retention_events WHERE id = event_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no retention event %', event_id;
    END IF;
    IF ev.kind = 'plan' THEN
        UPDATE plan_changes SET change = '{"redacted":"retention"}', reason = NULL, redacted_by = ev.id
        WHERE plan_id = ev.subject_id AND seq <= ev.through_seq AND redacted_by IS NULL;
        GET DIAGNOSTICS n = ROW_COUNT;
        DELETE FROM clock_requests_met WHERE plan_id = ev.subject_id;
        DELETE FROM clock_requests WHERE plan_id = ev.subject_id;
        DELETE FROM minutes_sent WHERE plan_id = ev.subject_id;
        DELETE FROM monitoring_records WHERE plan_id = ev.subject_id;
        UPDATE audit_log SET reason = NULL, redacted_by = ev.id
        WHERE plan_id = ev.subject_id AND reason IS NOT NULL AND reason_digest IS NOT NULL AND redacted_by IS NULL;
    ELSE
        UPDATE person_changes SET details = '{"redacted":"retention"}', reason = NULL, redacted_by = ev.id
        WHERE person_id = ev.subject_id AND seq <= ev.through_seq AND redacted_by IS NULL;
        GET DIAGNOSTICS n = ROW_COUNT;
        UPDATE audit_log SET reason = NULL, redacted_by = ev.id
        WHERE person_id = ev.subject_id AND reason IS NOT NULL AND reason_digest IS NOT NULL AND redacted_by IS NULL;
    END IF;
    RETURN n;
END;
$$;
