-- Minutes sent to a meeting's attendees (issue 11, SPEC M3): who sent
-- them, when, and to whom. Part of the plan's history: written once,
-- never updated or deleted. Keep in step with the other database.
CREATE TABLE minutes_sent (
    id           TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL REFERENCES plans (id),
    -- The meeting's monitoring record.
    meeting_id   TEXT NOT NULL REFERENCES monitoring_records (id),
    -- JSON list of {party_id, name, email}.
    recipients   TEXT NOT NULL,
    sent_by      TEXT NOT NULL REFERENCES users (id),
    sent_by_name TEXT NOT NULL,
    sent_at      BIGINT NOT NULL
);
CREATE INDEX minutes_sent_plan ON minutes_sent (plan_id, sent_at);

CREATE FUNCTION minutes_sent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'minutes sent are append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER minutes_sent_no_change BEFORE UPDATE OR DELETE ON minutes_sent
    FOR EACH ROW EXECUTE FUNCTION minutes_sent_append_only();
