-- A reminders round reads the items whose next reminder may be due a page
-- at a time, each page starting after the last item of the one before
-- (due date, plan, item): the index now holds all three, so that each
-- page is one range of it, not a sort of everything still to do (a
-- county's first round is a hundred thousand items). Keep in step with
-- the other database's migration of the same number.
DROP INDEX dashboard_due_to_remind;
CREATE INDEX dashboard_due_to_remind ON dashboard_due (reminded, due, plan_id, item_key)
    WHERE done_on IS NULL AND NOT closed AND reminded < 2;
