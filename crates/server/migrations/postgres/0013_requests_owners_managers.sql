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

CREATE FUNCTION clock_requests_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'requests are append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER clock_requests_no_change BEFORE UPDATE OR DELETE ON clock_requests
    FOR EACH ROW EXECUTE FUNCTION clock_requests_append_only();
CREATE TRIGGER clock_requests_met_no_change BEFORE UPDATE OR DELETE ON clock_requests_met
    FOR EACH ROW EXECUTE FUNCTION clock_requests_append_only();

-- The dashboard's index (derived, not history) gains the 'request' kind
-- and the user responsible for each item (who is reminded); NULL means the
-- plan's creator.
ALTER TABLE dashboard_due DROP CONSTRAINT dashboard_due_kind_check;
ALTER TABLE dashboard_due ADD CONSTRAINT dashboard_due_kind_check
    CHECK (kind IN ('review', 'action', 'meeting_action', 'clock', 'request'));
ALTER TABLE dashboard_due ADD COLUMN owner_id TEXT REFERENCES users (id);

-- A team's manager: a member who sees the team's dashboard (set by an
-- administrator).
ALTER TABLE team_members ADD COLUMN manager BOOLEAN NOT NULL DEFAULT FALSE;
