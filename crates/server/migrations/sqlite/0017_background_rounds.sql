-- The background rounds at the size of a county (issue 14).
--
-- How far the reminders of each open item have gone (issue 14): 0 none
-- yet, 1 the "due soon" reminder written, 2 the "overdue" one written.
-- A round reads only the items whose next reminder may be due (stage 0
-- inside the warning window, stage 1 once overdue) instead of every open
-- item of a county. It is a bookmark, not the record: the reminders table
-- and its key still make each reminder exactly once, and a rewrite of a
-- plan's index starts its items at 0 again. Keep in step with the other
-- backend's migration.
ALTER TABLE dashboard_due ADD COLUMN reminded SMALLINT NOT NULL DEFAULT 0;
CREATE INDEX dashboard_due_to_remind ON dashboard_due (reminded, due) WHERE done_on IS NULL AND NOT closed AND reminded < 2;

-- The retention round looks at closed and superseded plans not yet
-- removed, hourly and at start-up: found by this index rather than by
-- reading every plan.
CREATE INDEX plans_ended ON plans (id) WHERE removed_at IS NULL AND status IN ('closed', 'superseded');
