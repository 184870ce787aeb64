//! Invitations (issue 9): a practitioner invites a party of a plan by link.
//! The token is random and kept only as its hash; the link works once, to
//! set up access (a new account, or one the invitee already has), until it
//! expires or is revoked. Accepting it makes the account the party's, which
//! grants access to that plan and nothing else (the party grants of
//! `plan_access`, kept in step with the plan's parties).

use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Party};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Result, Store, StoreError, from_millis, now, on_pool, parse_uuid, to_millis};

/// How long an invitation link works unless the inviter says otherwise.
pub const DEFAULT_INVITATION_DAYS: i64 = 14;

/// An invitation as listed on the plan.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub party_id: Uuid,
    pub email: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Why a link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No invitation has this token (mistyped, tampered or made up).
    Unknown,
    Expired,
    Used,
    Revoked,
}

impl LinkProblem {
    pub fn message(self) -> &'static str {
        match self {
            LinkProblem::Unknown => {
                "This invitation link is not right. Check that you copied all of it, or ask the person who invited you for a new one."
            }
            LinkProblem::Expired => {
                "This invitation link has expired. Ask the person who invited you to send a new one."
            }
            LinkProblem::Used => {
                "This invitation link has already been used. Sign in with the account that was set up with it."
            }
            LinkProblem::Revoked => {
                "This invitation has been withdrawn. Ask the person who invited you if you should still have access."
            }
        }
    }
}

impl Invitation {
    pub fn state(&self, at: OffsetDateTime) -> std::result::Result<(), LinkProblem> {
        if self.revoked_at.is_some() {
            Err(LinkProblem::Revoked)
        } else if self.used_at.is_some() {
            Err(LinkProblem::Used)
        } else if self.expires_at <= at {
            Err(LinkProblem::Expired)
        } else {
            Ok(())
        }
    }
}

type Row = (String, String, String, String, i64, i64, Option<i64>, Option<i64>);

const COLUMNS: &str = "id, plan_id, party_id, email, created_at, expires_at, used_at, revoked_at";

fn invitation(row: Row) -> Result<Invitation> {
    let (id, plan_id, party_id, email, created_at, expires_at, used_at, revoked_at) = row;
    Ok(Invitation {
        id: parse_uuid(&id)?,
        plan_id: parse_uuid(&plan_id)?,
        party_id: parse_uuid(&party_id)?,
        email,
        created_at: from_millis(created_at),
        expires_at: from_millis(expires_at),
        used_at: used_at.map(from_millis),
        revoked_at: revoked_at.map(from_millis),
    })
}

impl Store {
    /// Invites a party of a plan the actor may change; returns the
    /// invitation and the token for the link (shown once, never stored).
    pub async fn invite(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        party_id: Uuid,
        email: &str,
        days: i64,
    ) -> Result<(Invitation, String)> {
        let plan = self.plan(actor, plan_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, plan_id).await?;
        let party = plan.party(party_id).ok_or(StoreError::NotFound)?;
        let mut errors = FieldErrors::new();
        let email = match goldthread_domain::user::Email::parse(email) {
            Ok(e) => e.as_str().to_owned(),
            Err(message) => {
                errors.add("email", message);
                String::new()
            }
        };
        if !(1..=60).contains(&days) {
            errors.add("days", "The link must work for between 1 and 60 days");
        }
        if party.user_id.is_some() {
            errors.add("party_id", format!("{} already has access to this plan", party.name));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let token = format!("inv_{}", crate::auth::random_secret());
        let created = now();
        let invitation = Invitation {
            id: Uuid::new_v4(),
            plan_id,
            party_id,
            email,
            created_at: created,
            expires_at: created + time::Duration::days(days),
            used_at: None,
            revoked_at: None,
        };
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO invitations (id, plan_id, party_id, email, token_hash, invited_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(invitation.id.to_string())
            .bind(plan_id.to_string())
            .bind(party_id.to_string())
            .bind(&invitation.email)
            .bind(crate::auth::token_hash(&token))
            .bind(actor.id.to_string())
            .bind(to_millis(invitation.created_at))
            .bind(to_millis(invitation.expires_at))
            .execute(pool)
            .await?;
        });
        Ok((invitation, token))
    }

    /// The invitations of a plan the actor may see, newest first.
    pub async fn invitations(&self, actor: &Actor, plan_id: Uuid) -> Result<Vec<Invitation>> {
        self.plan(actor, plan_id).await?;
        let sql = format!("SELECT {COLUMNS} FROM invitations WHERE plan_id = $1 ORDER BY created_at DESC, id");
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(plan_id.to_string())
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(invitation).collect()
    }

    /// Withdraws an unused invitation of a plan the actor may change.
    pub async fn revoke_invitation(&self, actor: &Actor, plan_id: Uuid, id: Uuid) -> Result<()> {
        self.plan(actor, plan_id).await?;
        if !actor.can_write() {
            return Err(StoreError::Forbidden);
        }
        self.require_plan_writable(actor, plan_id).await?;
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND plan_id = $3 AND revoked_at IS NULL AND used_at IS NULL",
            )
            .bind(to_millis(now()))
            .bind(id.to_string())
            .bind(plan_id.to_string())
            .execute(pool)
            .await?
            .rows_affected()
        });
        if changed == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The invitation a link's token names, whatever its state (no access
    /// check: the token is the credential), with the party it is for and
    /// the plan's title.
    pub async fn invitation_for_token(&self, token: &str) -> Result<Option<(Invitation, Party, String)>> {
        let sql = format!("SELECT {COLUMNS} FROM invitations WHERE token_hash = $1");
        let hash = crate::auth::token_hash(token);
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&hash)
                .fetch_optional(pool)
                .await?
        });
        let Some(invitation) = row.map(invitation).transpose()? else {
            return Ok(None);
        };
        let state: String = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT state FROM plans WHERE id = $1")
                .bind(invitation.plan_id.to_string())
                .fetch_one(pool)
                .await?
        });
        let plan: goldthread_domain::plan::Plan =
            serde_json::from_str(&state).map_err(|e| StoreError::corrupt(format!("plan state: {e}")))?;
        let Some(party) = plan.party(invitation.party_id).cloned() else {
            return Ok(None);
        };
        Ok(Some((invitation, party, plan.details.title)))
    }

    /// Uses the link for `user`: claims the invitation once, then makes the
    /// user the party (recorded in the plan's history as the inviter's
    /// change, with the reason). Nothing is granted when the link cannot
    /// be used.
    pub async fn accept_invitation(
        &self,
        token: &str,
        user: &crate::store::User,
        plan_types: &Registry,
    ) -> Result<std::result::Result<Uuid, LinkProblem>> {
        let Some((found, party, _)) = self.invitation_for_token(token).await? else {
            return Ok(Err(LinkProblem::Unknown));
        };
        let at = now();
        if let Err(problem) = found.state(at) {
            return Ok(Err(problem));
        }
        let inviter: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "UPDATE invitations SET used_at = $1, used_by = $2 \
                 WHERE token_hash = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 RETURNING invited_by",
            )
            .bind(to_millis(at))
            .bind(user.id.to_string())
            .bind(crate::auth::token_hash(token))
            .fetch_optional(pool)
            .await?
        });
        let Some(inviter) = inviter else {
            // Used or withdrawn a moment ago.
            return Ok(Err(LinkProblem::Used));
        };
        let inviter = self
            .user(parse_uuid(&inviter)?)
            .await?
            .ok_or(StoreError::NotFound)?
            .actor();
        let plan = self.plan(&inviter, found.plan_id).await?;
        let change = Change::PartyEdited {
            party: Party {
                user_id: Some(user.id),
                ..party.clone()
            },
        };
        let reason = format!("{} accepted the invitation and set up access", user.name);
        let result = self
            .change_plan(&inviter, plan.id, plan.version, Some(&reason), change, plan_types)
            .await;
        if let Err(e) = result {
            // Give the link back: nothing was granted.
            on_pool!(self, pool => {
                sqlx::query("UPDATE invitations SET used_at = NULL, used_by = NULL WHERE id = $1")
                    .bind(found.id.to_string())
                    .execute(pool)
                    .await?;
            });
            return Err(e);
        }
        Ok(Ok(found.plan_id))
    }
}
