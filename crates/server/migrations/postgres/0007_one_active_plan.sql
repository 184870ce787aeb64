-- At most one active plan of a type per person (SPEC P2), enforced by the
-- database so that two creations at once cannot both pass the check.
-- Superseded and closed plans do not count.
CREATE UNIQUE INDEX plans_one_active ON plans (person_id, plan_type)
    WHERE status NOT IN ('superseded', 'closed');
