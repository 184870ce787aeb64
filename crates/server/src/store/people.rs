//! People (SPEC P1). The current record is a projection of the person's
//! append-only history in `person_changes`.

use goldthread_domain::name_search;
use goldthread_domain::person::{Person, PersonDetails};
use goldthread_domain::user::Actor;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::chain::insert_person_change;
use super::{Conflict, Result, Store, StoreError, from_millis, like_pattern, now, on_pool, parse_uuid, to_millis};

/// Is person `pe` visible to the actor? `$1` is the actor's id, `$2` true
/// for administrators. A person is visible to whoever added them and to
/// everyone who may see one of their plans.
pub(super) const PERSON_VISIBLE: &str = "(pe.removed_at IS NULL AND ($2 OR EXISTS (SELECT 1 FROM person_access a WHERE a.person_id = pe.id AND a.user_id = $1) \
     OR EXISTS (SELECT 1 FROM plans vp JOIN plan_access va ON va.plan_id = vp.id WHERE vp.person_id = pe.id AND va.user_id = $1) \
     OR EXISTS (SELECT 1 FROM plans vp JOIN plan_access vpa ON vpa.plan_id = vp.id JOIN team_members vtm ON vtm.team_id = vpa.team_id \
        WHERE vp.person_id = pe.id AND vtm.user_id = $1) \
     OR EXISTS (SELECT 1 FROM person_team_access ta JOIN team_members tm ON tm.team_id = ta.team_id WHERE ta.person_id = pe.id AND tm.user_id = $1)))";

/// The ids of the people a non-administrator `$1` may see, gathered from
/// the user's side (their caseload and teams) so that a list need not test
/// every person in a county. Lists use it only to narrow what
/// [`PERSON_VISIBLE`], the rule, then checks.
const VISIBLE_PERSON_IDS: &str = "SELECT a.person_id FROM person_access a WHERE a.user_id = $1 \
     UNION SELECT p.person_id FROM plan_access pa JOIN plans p ON p.id = pa.plan_id WHERE pa.user_id = $1 \
     UNION SELECT p.person_id FROM team_members tm JOIN plan_access pa ON pa.team_id = tm.team_id JOIN plans p ON p.id = pa.plan_id WHERE tm.user_id = $1 \
     UNION SELECT ta.person_id FROM team_members tm JOIN person_team_access ta ON ta.team_id = tm.team_id WHERE tm.user_id = $1";

/// Candidates proposed by a search index beyond which a search does not
/// look: enough for any real name, bounded for a one-letter typo.
const MAX_CANDIDATES: i64 = 1000;

/// One line of a list of people.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PersonSummary {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub known_as: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<time::Date>,
    pub setting: Option<String>,
}

/// One entry of a person's history.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PersonChange {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    pub author_name: String,
    pub reason: Option<String>,
    pub details: PersonDetails,
}

fn parse_details(json: &str) -> Result<PersonDetails> {
    serde_json::from_str(json).map_err(|e| StoreError::corrupt(format!("person details: {e}")))
}

impl Store {
    pub async fn create_person(&self, actor: &Actor, details: &PersonDetails) -> Result<Person> {
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        let id = Uuid::new_v4();
        let at = to_millis(now());
        let json = serde_json::to_string(details).expect("details serialize");
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "INSERT INTO people (id, details, family_name, given_name, search_text, version, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7)",
            )
            .bind(id.to_string())
            .bind(&json)
            .bind(details.family_name.to_lowercase())
            .bind(details.given_name.to_lowercase())
            .bind(details.search_text())
            .bind(actor.id.to_string())
            .bind(at)
            .execute(&mut *tx)
            .await?;
            insert_person_change!(tx, id, 1, at, actor, None, &json);
            sqlx::query("INSERT INTO person_access (person_id, user_id, granted_at) VALUES ($1, $2, $3)")
                .bind(id.to_string())
                .bind(actor.id.to_string())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        crate::audit::note_person(id, 1);
        Ok(Person {
            id,
            details: details.clone(),
            version: 1,
        })
    }

    /// The person, if the actor may see them.
    pub async fn person(&self, actor: &Actor, id: Uuid) -> Result<Person> {
        let sql = format!("SELECT pe.details, pe.version FROM people pe WHERE pe.id = $3 AND {PERSON_VISIBLE}");
        let row: Option<(String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(AssertSqlSafe(sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?
        });
        let (json, version) = row.ok_or(StoreError::NotFound)?;
        crate::audit::note_person(id, version);
        Ok(Person {
            id,
            details: parse_details(&json)?,
            version,
        })
    }

    /// Saves new details for a person, based on the version the editor saw.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: Uuid,
        base_version: i64,
        details: &PersonDetails,
        reason: Option<&str>,
    ) -> Result<Person> {
        let current = self.person(actor, id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_person_writable(actor, id).await?;
        if current.version != base_version {
            return Err(self.person_conflict(id, base_version, current.version).await);
        }
        let next = base_version + 1;
        let at = to_millis(now());
        let json = serde_json::to_string(details).expect("details serialize");
        let updated = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Writing first takes the write lock at once (SQLite) or the row
            // lock (PostgreSQL); the version condition makes a lost race
            // update nothing.
            let updated = sqlx::query(
                "UPDATE people SET details = $1, family_name = $2, given_name = $3, search_text = $4, version = $5, updated_at = $6 \
                 WHERE id = $7 AND version = $8",
            )
            .bind(&json)
            .bind(details.family_name.to_lowercase())
            .bind(details.given_name.to_lowercase())
            .bind(details.search_text())
            .bind(next)
            .bind(at)
            .bind(id.to_string())
            .bind(base_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 1 {
                insert_person_change!(tx, id, next, at, actor, reason, &json);
                tx.commit().await?;
            }
            updated
        });
        if updated == 0 {
            let now_version = self.person(actor, id).await?.version;
            return Err(self.person_conflict(id, base_version, now_version).await);
        }
        crate::audit::note(|n| {
            n.person_id = Some(id);
            n.version = Some(next);
        });
        crate::audit::note_written(next, reason);
        Ok(Person {
            id,
            details: details.clone(),
            version: next,
        })
    }

    async fn person_conflict(&self, id: Uuid, base_version: i64, current_version: i64) -> StoreError {
        let changes = match self.person_changes_since(id, base_version).await {
            Ok(changes) => changes
                .iter()
                .map(|c| {
                    format!(
                        "{} changed the record at {}",
                        c.author_name,
                        crate::local_time::date_time(c.at)
                    )
                })
                .collect(),
            Err(e) => return e,
        };
        StoreError::Conflict(Box::new(Conflict {
            base_version,
            current_version,
            changes,
            fields: vec![],
            records: vec![],
        }))
    }

    async fn person_changes_since(&self, id: Uuid, after: i64) -> Result<Vec<PersonChange>> {
        let rows: Vec<(i64, i64, String, Option<String>, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, at, author_name, reason, details FROM person_changes WHERE person_id = $1 AND seq > $2 ORDER BY seq",
            )
            .bind(id.to_string())
            .bind(after)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(seq, at, author_name, reason, details)| {
                Ok(PersonChange {
                    seq,
                    at: from_millis(at),
                    author_name,
                    reason,
                    details: parse_details(&details)?,
                })
            })
            .collect()
    }

    /// The person's whole history, oldest first, if the actor may see them.
    pub async fn person_history(&self, actor: &Actor, id: Uuid) -> Result<Vec<PersonChange>> {
        self.person(actor, id).await?;
        self.person_changes_since(id, 0).await
    }

    /// People the actor may see whose name matches `query` (all when
    /// empty): by any part of the name, forgiving a typo
    /// ([`name_search`]), best match first, then by family name; at most
    /// `limit` from `offset`, with how many matched.
    pub async fn search_people(
        &self,
        actor: &Actor,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<PersonSummary>, i64)> {
        let query = name_search::normalise(query);
        if query.is_empty() {
            return self.list_people(actor, limit, offset).await;
        }
        let candidates = self.name_candidates(actor, &query).await?;
        let mut found: Vec<(f64, PersonSummary)> = candidates
            .into_iter()
            .filter_map(|(id, details, text)| {
                let score = name_search::score(&query, &text)?;
                Some(summary(&id, &details).map(|person| (score, person)))
            })
            .collect::<Result<_>>()?;
        found.sort_by(|(a, x), (b, y)| {
            b.total_cmp(a)
                .then_with(|| x.family_name.cmp(&y.family_name))
                .then_with(|| x.given_name.cmp(&y.given_name))
                .then_with(|| x.id.cmp(&y.id))
        });
        let total = found.len() as i64;
        let page = found
            .into_iter()
            .skip(offset.max(0) as usize)
            .take(limit.max(0) as usize)
            .map(|(_, person)| person)
            .collect();
        Ok((page, total))
    }

    /// Everyone the actor may see, by family name.
    async fn list_people(&self, actor: &Actor, limit: i64, offset: i64) -> Result<(Vec<PersonSummary>, i64)> {
        let (with, from) = people_source(actor);
        let list_sql = format!(
            "{with}SELECT pe.id, pe.details FROM {from} WHERE {PERSON_VISIBLE} ORDER BY pe.family_name, pe.given_name, pe.id LIMIT $3 OFFSET $4"
        );
        let count_sql = format!("{with}SELECT COUNT(*) FROM {from} WHERE {PERSON_VISIBLE}");
        let (rows, total): (Vec<(String, String)>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(AssertSqlSafe(list_sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let total = sqlx::query_scalar(AssertSqlSafe(count_sql.as_str()))
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .fetch_one(pool)
                .await?;
            (rows, total)
        });
        let people = rows
            .iter()
            .map(|(id, json)| summary(id, json))
            .collect::<Result<Vec<_>>>()?;
        Ok((people, total))
    }

    /// People in `scope` who might match `query`: (id, details, search
    /// text). For anyone but an administrator, everyone in their caseload;
    /// for administrators, those holding any of the query's trigrams,
    /// from SQLite's FTS5 trigram index (best first by its rank) or
    /// PostgreSQL's pg_trgm index (by word similarity). A query too short
    /// for trigrams is a plain substring.
    async fn name_candidates(&self, actor: &Actor, query: &str) -> Result<Vec<(String, String, String)>> {
        let scope = PERSON_VISIBLE;
        if !actor.is_admin() {
            // A caseload is small next to a county: every name in it is
            // scored, rather than asking the index about every person.
            let (with, from) = people_source(actor);
            let sql = format!("{with}SELECT pe.id, pe.details, pe.search_text FROM {from} WHERE {scope}");
            // On SQLite read in place (store::inline): a caseload is a
            // few index look-ups a person, cheaper than handing the query
            // to a connection's thread and back.
            if let Some(reads) = self.inline_reads() {
                return reads.rows(
                    &sql,
                    rusqlite::named_params! {"$1": actor.id.to_string(), "$2": actor.is_admin()},
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                );
            }
            let rows = on_pool!(self, pool => {
                sqlx::query_as(AssertSqlSafe(sql))
                    .bind(actor.id.to_string())
                    .bind(actor.is_admin())
                    .fetch_all(pool)
                    .await?
            });
            return Ok(rows);
        }
        let pattern = like_pattern(query);
        let trigrams = name_search::inner_trigrams(query);
        let rows = match self {
            Store::Sqlite(pool) if !trigrams.is_empty() => {
                let terms = trigrams
                    .iter()
                    .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                let sql = format!(
                    "SELECT pe.id, pe.details, pe.search_text FROM people_search s \
                     JOIN people_search_ids i ON i.n = s.rowid JOIN people pe ON pe.id = i.person_id \
                     WHERE people_search MATCH $3 AND {scope} ORDER BY s.rank LIMIT $4"
                );
                sqlx::query_as(AssertSqlSafe(sql))
                    .bind(actor.id.to_string())
                    .bind(actor.is_admin())
                    .bind(terms)
                    .bind(MAX_CANDIDATES)
                    .fetch_all(pool)
                    .await?
            }
            Store::Sqlite(pool) => {
                let sql = format!(
                    "SELECT pe.id, pe.details, pe.search_text FROM people pe \
                     WHERE pe.search_text LIKE $3 ESCAPE '\\' AND {scope} ORDER BY pe.family_name LIMIT $4"
                );
                sqlx::query_as(AssertSqlSafe(sql))
                    .bind(actor.id.to_string())
                    .bind(actor.is_admin())
                    .bind(pattern)
                    .bind(MAX_CANDIDATES)
                    .fetch_all(pool)
                    .await?
            }
            Store::Postgres(pool) => {
                // Any of the query's trigrams (letters and digits only, so
                // nothing to escape), or the query itself when too short.
                let patterns: Vec<String> = if trigrams.is_empty() {
                    vec![pattern]
                } else {
                    trigrams.iter().map(|t| format!("%{t}%")).collect()
                };
                let sql = format!(
                    "SELECT pe.id, pe.details, pe.search_text FROM people pe \
                     WHERE pe.search_text LIKE ANY($3) AND {scope} \
                     ORDER BY word_similarity($4, pe.search_text) DESC LIMIT $5"
                );
                sqlx::query_as(AssertSqlSafe(sql))
                    .bind(actor.id.to_string())
                    .bind(actor.is_admin())
                    .bind(patterns)
                    .bind(query)
                    .bind(MAX_CANDIDATES)
                    .fetch_all(pool)
                    .await?
            }
        };
        Ok(rows)
    }
}

/// Where a list of the people the actor may see starts: `(WITH clause,
/// FROM clause)`. Administrators see everyone; anyone else's list starts
/// from their own caseload (made first, so that neither database considers
/// testing every person in a county), and [`PERSON_VISIBLE`] is still
/// checked on each.
fn people_source(actor: &Actor) -> (String, &'static str) {
    if actor.is_admin() {
        (String::new(), "people pe")
    } else {
        (
            format!("WITH visible AS MATERIALIZED ({VISIBLE_PERSON_IDS}) "),
            "visible v JOIN people pe ON pe.id = v.person_id",
        )
    }
}

/// One line of a list from a person's row.
fn summary(id: &str, json: &str) -> Result<PersonSummary> {
    let details = parse_details(json)?;
    Ok(PersonSummary {
        id: parse_uuid(id)?,
        given_name: details.given_name,
        family_name: details.family_name,
        known_as: details.known_as,
        date_of_birth: details.date_of_birth,
        setting: details.setting,
    })
}
