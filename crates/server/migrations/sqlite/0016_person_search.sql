-- Person search by any part of a name, forgiving a typo (issue 14). Keep
-- in step with ../postgres/.
--
-- An FTS5 trigram index proposes candidates; crates/domain/src/
-- name_search.rs decides which match and in what order. The index is
-- keyed by a number of its own (people_search_ids), not by people's
-- rowid, which VACUUM may renumber.
CREATE TABLE people_search_ids (
    n         INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL UNIQUE REFERENCES people (id)
);
CREATE VIRTUAL TABLE people_search USING fts5(search_text, tokenize = 'trigram');

INSERT INTO people_search_ids (person_id) SELECT id FROM people ORDER BY created_at, id;
INSERT INTO people_search (rowid, search_text)
    SELECT s.n, p.search_text FROM people_search_ids s JOIN people p ON p.id = s.person_id;

CREATE TRIGGER people_search_insert AFTER INSERT ON people
BEGIN
    INSERT INTO people_search_ids (person_id) VALUES (new.id);
    INSERT INTO people_search (rowid, search_text)
        VALUES ((SELECT n FROM people_search_ids WHERE person_id = new.id), new.search_text);
END;

CREATE TRIGGER people_search_update AFTER UPDATE OF search_text ON people
WHEN new.search_text IS NOT old.search_text
BEGIN
    UPDATE people_search SET search_text = new.search_text
        WHERE rowid = (SELECT n FROM people_search_ids WHERE person_id = new.id);
END;


-- Plans shared with a team, found from the team (see store/people.rs,
-- VISIBLE_PERSON_IDS).
CREATE INDEX plan_access_by_team ON plan_access (team_id);
