//! Teams and what is shared with them (ASVS V8.2: access is granted per
//! team and checked where data is read). A member of a team sees the plans
//! and people shared with it, read-only: changing a plan or a person needs
//! access of one's own (see [`Store::may_change_plan`]).

use goldthread_domain::error::FieldErrors;
use goldthread_domain::team::parse_team_name;
use goldthread_domain::user::Actor;
use uuid::Uuid;

use super::{Result, Store, StoreError, Team, now, on_pool, parse_uuid, to_millis};

/// Something shared with a team, as its page lists it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Shared {
    pub id: Uuid,
    /// The plan's title, or the person's name.
    pub name: String,
}

/// A team with its members' names and what is shared with it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TeamDetail {
    pub id: Uuid,
    pub name: String,
    pub members: Vec<TeamMember>,
    pub plans: Vec<Shared>,
    pub people: Vec<Shared>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    /// The team's manager: sees the team's dashboard (SPEC M1).
    pub manager: bool,
}

/// Plan `$3` may be changed by the actor (`$1`, `$2` true for
/// administrators): access of their own, not only through a team.
pub(super) const PLAN_WRITABLE: &str =
    "SELECT ($2 OR EXISTS (SELECT 1 FROM plan_access WHERE plan_id = $3 AND user_id = $1))";

/// Person `$3` may be changed by the actor: they added the person, or may
/// change one of the person's plans.
const PERSON_WRITABLE: &str = "SELECT ($2 OR EXISTS (SELECT 1 FROM person_access WHERE person_id = $3 AND user_id = $1) \
     OR EXISTS (SELECT 1 FROM plan_access pa JOIN plans p ON p.id = pa.plan_id WHERE p.person_id = $3 AND pa.user_id = $1))";

type MemberRow = (String, String, String, bool);
type SharedRow = (String, String);

fn forbidden_unless_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

impl Store {
    /// Adds a team (administrators only); the name is checked.
    pub async fn add_team(&self, actor: &Actor, name: &str) -> Result<Team> {
        forbidden_unless_admin(actor)?;
        let name = parse_team_name(name)?;
        self.create_team(&name).await
    }

    /// A team with its members and what is shared with it (administrators).
    pub async fn team(&self, actor: &Actor, id: Uuid) -> Result<TeamDetail> {
        forbidden_unless_admin(actor)?;
        let name: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT name FROM teams WHERE id = $1").bind(id.to_string()).fetch_optional(pool).await?
        });
        let name = name.ok_or(StoreError::NotFound)?;
        let (members, plans, people): (Vec<MemberRow>, Vec<SharedRow>, Vec<SharedRow>) = on_pool!(self, pool => {
            let members = sqlx::query_as(
                "SELECT u.id, u.name, u.email, m.manager FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = $1 ORDER BY u.name, u.email",
            )
            .bind(id.to_string())
            .fetch_all(pool)
            .await?;
            let plans = sqlx::query_as(
                "SELECT p.id, p.title FROM plan_access pa JOIN plans p ON p.id = pa.plan_id WHERE pa.team_id = $1 ORDER BY p.title, p.id",
            )
            .bind(id.to_string())
            .fetch_all(pool)
            .await?;
            let people = sqlx::query_as(
                "SELECT pe.id, pe.details FROM person_team_access a JOIN people pe ON pe.id = a.person_id WHERE a.team_id = $1 \
                 ORDER BY pe.family_name, pe.given_name, pe.id",
            )
            .bind(id.to_string())
            .fetch_all(pool)
            .await?;
            (members, plans, people)
        });
        Ok(TeamDetail {
            id,
            name,
            members: members
                .into_iter()
                .map(|(id, name, email, manager)| {
                    Ok(TeamMember {
                        id: parse_uuid(&id)?,
                        name,
                        email,
                        manager,
                    })
                })
                .collect::<Result<_>>()?,
            plans: plans
                .into_iter()
                .map(|(id, name)| {
                    Ok(Shared {
                        id: parse_uuid(&id)?,
                        name,
                    })
                })
                .collect::<Result<_>>()?,
            people: people
                .into_iter()
                .map(|(id, details)| {
                    let details: goldthread_domain::person::PersonDetails = serde_json::from_str(&details)
                        .map_err(|e| StoreError::corrupt(format!("person details: {e}")))?;
                    Ok(Shared {
                        id: parse_uuid(&id)?,
                        name: details.full_name(),
                    })
                })
                .collect::<Result<_>>()?,
        })
    }

    async fn team_exists(&self, id: Uuid) -> Result<bool> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM teams WHERE id = $1").bind(id.to_string()).fetch_one(pool).await?
        }) > 0)
    }

    /// Adds an active user to a team (administrators only).
    pub async fn add_member(&self, actor: &Actor, team_id: Uuid, user_id: Uuid) -> Result<()> {
        self.add_member_as(actor, team_id, user_id, None).await
    }

    /// Adds an active user to a team, or keeps them in it, as its manager
    /// or not (`None`: a new member is not; an existing one keeps their
    /// role). Administrators only. A team's managers see its dashboard.
    pub async fn add_member_as(
        &self,
        actor: &Actor,
        team_id: Uuid,
        user_id: Uuid,
        manager: Option<bool>,
    ) -> Result<()> {
        forbidden_unless_admin(actor)?;
        if !self.team_exists(team_id).await? {
            return Err(StoreError::NotFound);
        }
        match self.user(user_id).await? {
            Some(user) if user.active => {}
            _ => return Err(FieldErrors::single("user_id", "Choose an active user to add to the team").into()),
        }
        self.add_team_member(team_id, user_id).await?;
        if let Some(manager) = manager {
            on_pool!(self, pool => {
                sqlx::query("UPDATE team_members SET manager = $3 WHERE team_id = $1 AND user_id = $2")
                    .bind(team_id.to_string())
                    .bind(user_id.to_string())
                    .bind(manager)
                    .execute(pool)
                    .await?;
            });
        }
        Ok(())
    }

    /// Takes a user out of a team (administrators only); they stop seeing
    /// what is shared with it at once.
    pub async fn remove_member(&self, actor: &Actor, team_id: Uuid, user_id: Uuid) -> Result<()> {
        forbidden_unless_admin(actor)?;
        if !self.team_exists(team_id).await? {
            return Err(StoreError::NotFound);
        }
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
                .bind(team_id.to_string())
                .bind(user_id.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Shares a plan with a team (administrators only).
    pub async fn share_plan_with_team(&self, actor: &Actor, plan_id: Uuid, team_id: Uuid) -> Result<()> {
        self.plan(actor, plan_id).await?;
        forbidden_unless_admin(actor)?;
        if !self.team_exists(team_id).await? {
            return Err(FieldErrors::single("team_id", "Choose a team").into());
        }
        self.grant_plan_to_team(actor, plan_id, team_id).await
    }

    /// Stops sharing a plan with a team (administrators only).
    pub async fn unshare_plan_with_team(&self, actor: &Actor, plan_id: Uuid, team_id: Uuid) -> Result<()> {
        self.plan(actor, plan_id).await?;
        forbidden_unless_admin(actor)?;
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM plan_access WHERE plan_id = $1 AND team_id = $2")
                .bind(plan_id.to_string())
                .bind(team_id.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Shares a person's record (not their plans) with a team
    /// (administrators only).
    pub async fn share_person_with_team(&self, actor: &Actor, person_id: Uuid, team_id: Uuid) -> Result<()> {
        self.person(actor, person_id).await?;
        forbidden_unless_admin(actor)?;
        if !self.team_exists(team_id).await? {
            return Err(FieldErrors::single("team_id", "Choose a team").into());
        }
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO person_team_access (person_id, team_id, granted_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(person_id.to_string())
                .bind(team_id.to_string())
                .bind(to_millis(now()))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn unshare_person_with_team(&self, actor: &Actor, person_id: Uuid, team_id: Uuid) -> Result<()> {
        self.person(actor, person_id).await?;
        forbidden_unless_admin(actor)?;
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM person_team_access WHERE person_id = $1 AND team_id = $2")
                .bind(person_id.to_string())
                .bind(team_id.to_string())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The teams a plan is shared with, if the actor may see the plan.
    pub async fn plan_teams(&self, actor: &Actor, plan_id: Uuid) -> Result<Vec<Shared>> {
        self.plan(actor, plan_id).await?;
        self.shared_with("SELECT t.id, t.name FROM plan_access pa JOIN teams t ON t.id = pa.team_id WHERE pa.plan_id = $1 ORDER BY t.name", plan_id).await
    }

    /// The teams a person's record is shared with, if the actor may see them.
    pub async fn person_teams(&self, actor: &Actor, person_id: Uuid) -> Result<Vec<Shared>> {
        self.person(actor, person_id).await?;
        self.shared_with("SELECT t.id, t.name FROM person_team_access a JOIN teams t ON t.id = a.team_id WHERE a.person_id = $1 ORDER BY t.name", person_id).await
    }

    async fn shared_with(&self, sql: &'static str, id: Uuid) -> Result<Vec<Shared>> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(id.to_string()).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, name)| {
                Ok(Shared {
                    id: parse_uuid(&id)?,
                    name,
                })
            })
            .collect()
    }

    /// May the actor change this plan? Administrators may, and those with
    /// access of their own; a team member who sees it through the team may
    /// only read it. Call after [`Store::plan`] has shown it is visible.
    pub async fn may_change_plan(&self, actor: &Actor, plan_id: Uuid) -> Result<bool> {
        if !actor.can_write() {
            return Ok(false);
        }
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, bool>(PLAN_WRITABLE)
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(plan_id.to_string())
                .fetch_one(pool)
                .await?
        }))
    }

    /// May the actor change this person's record (or start a plan for
    /// them)? As [`Store::may_change_plan`], for people.
    pub async fn may_change_person(&self, actor: &Actor, person_id: Uuid) -> Result<bool> {
        if !actor.can_write() {
            return Ok(false);
        }
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar::<_, bool>(PERSON_WRITABLE)
                .bind(actor.id.to_string())
                .bind(actor.is_admin())
                .bind(person_id.to_string())
                .fetch_one(pool)
                .await?
        }))
    }

    /// [`StoreError::Forbidden`] unless the actor may change the plan.
    pub(super) async fn require_plan_writable(&self, actor: &Actor, plan_id: Uuid) -> Result<()> {
        if self.may_change_plan(actor, plan_id).await? {
            Ok(())
        } else {
            Err(StoreError::Forbidden)
        }
    }

    /// [`StoreError::Forbidden`] unless the actor may change the person.
    pub(super) async fn require_person_writable(&self, actor: &Actor, person_id: Uuid) -> Result<()> {
        if self.may_change_person(actor, person_id).await? {
            Ok(())
        } else {
            Err(StoreError::Forbidden)
        }
    }
}
