-- Doing the plan (SPEC M1–M4, R4). Keep in step with the other database.
--
-- What happened while carrying a plan out (planning meetings, progress
-- notes, attendance marks, ratings) is not an edit of what the plan says,
-- so it is not in plan_changes: each is a row of monitoring_records,
-- written once with who recorded it and when, and never updated or deleted
-- (triggers refuse both). A correction is a new row; a carried-forward
-- action point is a follow-up in a later meeting's record.
CREATE TABLE monitoring_records (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    kind        TEXT NOT NULL CHECK (kind IN ('meeting', 'note', 'attendance', 'rating')),
    -- The date it happened (YYYY-MM-DD), for ordering.
    on_date     TEXT NOT NULL,
    -- The domain record as JSON.
    record      TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_by_name TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX monitoring_records_plan ON monitoring_records (plan_id, kind, on_date);

-- The dashboard's index (SPEC M1): derived rows, rebuilt for one plan
-- whenever the plan or its meetings change, so that the dashboard reads
-- these small indexed tables and never every plan's stored state. Not
-- history: the plan's log and monitoring_records are.
CREATE TABLE dashboard_due (
    plan_id  TEXT NOT NULL REFERENCES plans (id),
    -- Stable per plan: 'review:2', 'meeting_action:<uuid>', 'action:<uuid>', 'clock:<key>:<n>'.
    item_key TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('review', 'action', 'meeting_action', 'clock')),
    label    TEXT NOT NULL,
    agency   TEXT,
    due      TEXT NOT NULL,
    done_on  TEXT,
    -- Closed without being done (an action point followed up as not done).
    closed   BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (plan_id, item_key)
);
CREATE INDEX dashboard_due_open ON dashboard_due (due) WHERE done_on IS NULL AND NOT closed;

CREATE TABLE dashboard_plans (
    plan_id            TEXT PRIMARY KEY REFERENCES plans (id),
    -- Set while someone still has to agree: since when, and who (JSON list).
    agreement_asked_on TEXT,
    still_to_agree     TEXT,
    -- Set when a safety plan is in force; last_checked may stay NULL.
    safety_plan        BOOLEAN NOT NULL DEFAULT FALSE,
    safety_checked_on  TEXT,
    -- Set when the plan is reviewed weekly.
    weekly_from        TEXT,
    last_weekly_review TEXT
);

-- Reminders (SPEC R4): one row per reminder, keyed so that it is written
-- exactly once however many instances run the scheduler (the insert that
-- wins the key sends it; the others do nothing). The rows are the in-app
-- reminders; emailed_at is for e-mail delivery through the outbox.
CREATE TABLE reminders (
    -- '<plan>:<item key>:<due>:<due_soon|overdue>:<user>'
    reminder_key TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    plan_id      TEXT NOT NULL REFERENCES plans (id),
    kind         TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    label        TEXT NOT NULL,
    due          TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    emailed_at   BIGINT
);
CREATE INDEX reminders_user ON reminders (user_id, created_at);

CREATE TRIGGER monitoring_records_no_update BEFORE UPDATE ON monitoring_records
BEGIN SELECT RAISE(ABORT, 'monitoring records are append-only'); END;
CREATE TRIGGER monitoring_records_no_delete BEFORE DELETE ON monitoring_records
BEGIN SELECT RAISE(ABORT, 'monitoring records are append-only'); END;
