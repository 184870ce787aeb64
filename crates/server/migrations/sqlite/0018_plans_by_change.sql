-- The list of plans (everyone's home page, GET /api/v1/plans) shows the
-- most recently changed first. For an administrator, who may see every
-- plan in a county, this index gives the first page and the count
-- without reading every plan's row (issue 14).
CREATE INDEX plans_by_change ON plans (updated_at, id) WHERE removed_at IS NULL;
