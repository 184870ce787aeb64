-- A person's photo ("Current photo of me"). Every upload is a new row, so
-- earlier photos stay in the record's history; the newest is current. A
-- row with no data records that the photo was removed.
CREATE TABLE person_photos (
    id           TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES people (id),
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  TEXT REFERENCES users (id),
    uploaded_at  BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    UNIQUE (person_id, seq)
);
