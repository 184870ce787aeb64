-- Person search by any part of a name, forgiving a typo (issue 14). Keep
-- in step with ../sqlite/.
--
-- A pg_trgm index proposes candidates (names holding any of the query's
-- trigrams, `LIKE ANY`, ranked by word_similarity); crates/domain/src/name_search.rs
-- decides which match and in what order. pg_trgm is a trusted extension:
-- a database owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX people_search_trgm ON people USING gin (search_text gin_trgm_ops);


-- Plans shared with a team, found from the team (see store/people.rs,
-- VISIBLE_PERSON_IDS).
CREATE INDEX plan_access_by_team ON plan_access (team_id);
