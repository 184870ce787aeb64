//! Agreements (issue 9): who may record one, and checking every recorded
//! agreement against the plan's history.
//!
//! An agreement is a change in the plan's log like any other
//! ([`Change::AgreementRecorded`]); the domain checks it. Storage adds who
//! may append it: anyone who may change the plan may record any party's
//! response (a practitioner recording a paper copy or an agreement given at
//! a meeting), and a party who has an account may give their own response
//! on screen, and write their views in their own section, even with
//! read-only access.

use goldthread_domain::agreement::{Response, Standings};
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, PartyRole, Plan};
use goldthread_domain::plan_type::{PlanType, Section, SectionKind, WrittenBy};
use goldthread_domain::user::Actor;
use goldthread_domain::verification::{ChangeSince, Verification};
use uuid::Uuid;

use super::{Result, Store, StoreError};

/// The section a party writes their own views in, and how its authorship
/// reads: for the person, the first text section they may write ("Me");
/// for a parent or carer, the first text section only parents write ("My
/// parent"). None for other parties or when the plan type has none.
pub fn own_views_section(plan_type: Option<&PlanType>, role: PartyRole) -> Option<(&Section, WrittenBy)> {
    let mut sections = plan_type?.sections.iter().filter(|s| s.kind == SectionKind::Text);
    match role {
        PartyRole::Person => sections
            .find(|s| s.written_by.contains(&WrittenBy::Me))
            .map(|s| (s, WrittenBy::Me)),
        PartyRole::ParentCarer => sections
            .find(|s| s.written_by.contains(&WrittenBy::MyParent) && !s.written_by.contains(&WrittenBy::Me))
            .map(|s| (s, WrittenBy::MyParent)),
        _ => None,
    }
}

/// Is this change a party's own: their response on screen (agreed or
/// declined), or their views in their own section?
pub fn own_response(plan: &Plan, actor: &Actor, change: &Change, plan_type: Option<&PlanType>) -> bool {
    let me = plan.parties.iter().find(|p| p.user_id == Some(actor.id));
    match (change, me) {
        (Change::AgreementRecorded { agreement }, Some(me)) => {
            !matches!(agreement.response, Response::Paper { .. }) && agreement.party_id == me.id
        }
        (
            Change::TextsSet {
                section,
                texts,
                authorship: Some(authorship),
            },
            Some(me),
        ) => own_views_section(plan_type, me.role).is_some_and(|(own, written_by)| {
            own.key == *section
                && authorship.written_by == written_by
                && texts.keys().all(|k| own.prompts.iter().any(|p| p.key == *k))
        }),
        _ => false,
    }
}

impl Store {
    /// [`StoreError::Forbidden`] unless the actor may append `change` to the
    /// plan they can see; [`StoreError::Invalid`] when a paper agreement
    /// names no file uploaded to this plan.
    pub(super) async fn require_may_append(
        &self,
        actor: &Actor,
        plan: &Plan,
        change: &Change,
        plan_type: Option<&PlanType>,
    ) -> Result<()> {
        if !own_response(plan, actor, change, plan_type) {
            if !actor.can_write() {
                return Err(StoreError::Forbidden);
            }
            self.require_plan_writable(actor, plan.id).await?;
        }
        if let Change::AgreementRecorded { agreement } = change
            && let Response::Paper { file_ref, .. } = &agreement.response
            && !file_ref.trim().is_empty()
        {
            let file = match Uuid::parse_str(file_ref.trim()) {
                Ok(file_id) => self.file_ref(plan.id, file_id).await?,
                Err(_) => None,
            };
            if file.is_none() {
                return Err(StoreError::Invalid(FieldErrors::single(
                    "file_ref",
                    "There is no such file uploaded to this plan: upload the scanned signed copy first",
                )));
            }
        }
        Ok(())
    }

    /// Every agreement recorded on a plan the actor may see, checked
    /// against its history.
    pub async fn verify_agreements(&self, actor: &Actor, plan_id: Uuid) -> Result<Vec<Verification>> {
        let log = self.plan_history(actor, plan_id).await?;
        goldthread_domain::verification::verify(plan_id, &log).map_err(StoreError::corrupt)
    }

    /// The changes to what the plan says since content version `version`.
    pub async fn changes_since(&self, actor: &Actor, plan_id: Uuid, version: i64) -> Result<Vec<ChangeSince>> {
        let log = self.plan_history(actor, plan_id).await?;
        goldthread_domain::verification::changes_since(plan_id, &log, version).map_err(StoreError::corrupt)
    }
}

impl Store {
    /// Tells people what a saved change means for them: a party asked to
    /// agree; the parties who agreed when what they agreed has changed; the
    /// Lead Professional when someone declines. Failing to tell is logged,
    /// never undoes the save.
    pub(super) async fn after_change(&self, actor: &Actor, before: &Plan, after: &Plan) {
        if let Err(e) = self.tell(actor, before, after, None).await {
            tracing::warn!(plan = %after.id, error = %e, "could not record notifications");
        }
    }

    /// [`Store::after_change`] with where the parties stood before and
    /// stand after, already worked out.
    pub(super) async fn after_save(&self, actor: &Actor, before: &Standings<'_>, after: &Standings<'_>) {
        if let Err(e) = self
            .tell(actor, before.plan(), after.plan(), Some((before, after)))
            .await
        {
            tracing::warn!(plan = %after.plan().id, error = %e, "could not record notifications");
        }
    }

    async fn tell(
        &self,
        actor: &Actor,
        before: &Plan,
        after: &Plan,
        known: Option<(&Standings<'_>, &Standings<'_>)>,
    ) -> Result<()> {
        use goldthread_domain::agreement::PartyStanding;
        let link = format!("/plans/{}/mine", after.id);
        // Each plan's content hash once, not once per party, and only when
        // there is a party to tell.
        let standings = std::cell::OnceCell::new();
        let title = &after.details.title;
        for party in &after.parties {
            let Some(user) = party.user_id.filter(|u| *u != actor.id) else {
                continue;
            };
            let (before_now, after_now) = standings.get_or_init(|| match known {
                Some((before, after)) => (before.clone(), after.clone()),
                None => (Standings::of(before), Standings::of(after)),
            });
            let required = after.agreements.required.contains(&party.id);
            // Asked now, or just joined (an invitation accepted) while asked.
            let newly_asked = required
                && (!before.agreements.required.contains(&party.id)
                    || before.party(party.id).and_then(|p| p.user_id) != Some(user))
                && !matches!(after_now.standing(party.id), PartyStanding::Agreed { .. });
            let was_current = matches!(before_now.standing(party.id), PartyStanding::Agreed { .. });
            let now_earlier = matches!(after_now.standing(party.id), PartyStanding::AgreedEarlier { .. });
            if newly_asked {
                let text = format!("You have been asked to agree to \"{title}\"");
                self.notify(user, Some(after.id), &text, Some(&link)).await?;
            } else if was_current && now_earlier {
                let text = format!("\"{title}\", which you agreed, has changed: have a look at what changed");
                self.notify(user, Some(after.id), &text, Some(&link)).await?;
            }
        }
        let declined = after.agreements.given.len() > before.agreements.given.len()
            && after
                .agreements
                .given
                .last()
                .is_some_and(|g| matches!(g.agreement.response, Response::Declined { .. }));
        if declined && let Some(given) = after.agreements.given.last() {
            let who = after
                .party(given.agreement.party_id)
                .map_or("A party", |p| p.name.as_str());
            if let Response::Declined { reason } = &given.agreement.response {
                let text = format!("{who} declined \"{title}\": {reason}");
                for lead in self.plan_leads(after).await? {
                    if lead != actor.id {
                        self.notify(
                            lead,
                            Some(after.id),
                            &text,
                            Some(&format!("/plans/{}/agreements", after.id)),
                        )
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }
}
