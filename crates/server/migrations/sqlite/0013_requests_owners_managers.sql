-- Clocks that run from a request, who is responsible for each due item,
-- and team managers (issue 11, SPEC R4, M1). Keep in step with the other
-- database.

-- A request that starts one of the plan type's clocks (an assessment, a
-- planning meeting asked for): written once, never updated or deleted.
CREATE TABLE clock_requests (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES plans (id),
    -- The plan type's clock key.
    clock        TEXT NOT NULL,
    -- The day it was made (YYYY-MM-DD), for ordering.
    requested_on TEXT NOT NULL,
    -- The domain record (ClockRequest) as JSON.
    record       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id),
    recorded_by_name TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);
CREATE INDEX clock_requests_plan ON clock_requests (plan_id, requested_on);

-- That a request was met: a second record naming it, at most one each
-- (the key refuses a second), never updated or deleted.
CREATE TABLE clock_requests_met (
    request_id   TEXT PRIMARY KEY REFERENCES clock_requests (id),
    plan_id      TEXT NOT NULL REFERENCES plans (id),
    met_on       TEXT NOT NULL,
    -- The domain record (RequestMet) as JSON.
    record       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id),
    recorded_by_name TEXT NOT NULL,
    recorded_at  BIGINT NOT NULL
);

CREATE TRIGGER clock_requests_no_update BEFORE UPDATE ON clock_requests
BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
CREATE TRIGGER clock_requests_no_delete BEFORE DELETE ON clock_requests
BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
CREATE TRIGGER clock_requests_met_no_update BEFORE UPDATE ON clock_requests_met
BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
CREATE TRIGGER clock_requests_met_no_delete BEFORE DELETE ON clock_requests_met
BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;

-- The dashboard's index (derived, not history) gains the 'request' kind
-- and the user responsible for each item (who is reminded); NULL means the
-- plan's creator. SQLite cannot change a CHECK in place: the table is
-- made again with its rows.
CREATE TABLE dashboard_due_new (
    plan_id  TEXT NOT NULL REFERENCES plans (id),
    -- Stable per plan: 'review:2', 'meeting_action:<uuid>', 'action:<uuid>',
    -- 'clock:<key>:<n>', 'request:<uuid>'.
    item_key TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('review', 'action', 'meeting_action', 'clock', 'request')),
    label    TEXT NOT NULL,
    agency   TEXT,
    due      TEXT NOT NULL,
    done_on  TEXT,
    closed   BOOLEAN NOT NULL DEFAULT FALSE,
    owner_id TEXT REFERENCES users (id),
    PRIMARY KEY (plan_id, item_key)
);
INSERT INTO dashboard_due_new (plan_id, item_key, kind, label, agency, due, done_on, closed)
    SELECT plan_id, item_key, kind, label, agency, due, done_on, closed FROM dashboard_due;
DROP TABLE dashboard_due;
ALTER TABLE dashboard_due_new RENAME TO dashboard_due;
CREATE INDEX dashboard_due_open ON dashboard_due (due) WHERE done_on IS NULL AND NOT closed;

-- A team's manager: a member who sees the team's dashboard (set by an
-- administrator).
ALTER TABLE team_members ADD COLUMN manager BOOLEAN NOT NULL DEFAULT FALSE;
