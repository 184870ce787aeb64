//! A party saved with the Lead Professional choice that goes with it: one
//! save, one transaction (issue 6).

use goldthread_domain::plan::{Change, Party, Plan};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::user::Actor;
use uuid::Uuid;

use super::{Resolution, Result, Store};

impl Store {
    /// Adds (`new`) or edits a party and, when `lead` differs from what
    /// the editor saw at `base_version` and from what the plan now says,
    /// makes them the Lead Professional or no longer so. The party change
    /// and the lead change are appended in one transaction after one check
    /// of the version: a conflict or refusal of either writes neither. A
    /// lead choice the editor did not change never undoes someone else's.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_party(
        &self,
        actor: &Actor,
        plan_id: Uuid,
        base_version: i64,
        reason: Option<&str>,
        party: Party,
        lead: bool,
        new: bool,
        resolution: Option<Resolution>,
        plan_types: &Registry,
    ) -> Result<Plan> {
        let party_id = party.id;
        let change = if new {
            Change::PartyAdded { party }
        } else {
            Change::PartyEdited { party }
        };
        let follow_up = Box::new(move |at_base: &Plan, after: &Plan| {
            let was_lead = !new && at_base.lead_party_id == Some(party_id);
            let is_lead = after.lead_party_id == Some(party_id);
            (lead != was_lead && lead != is_lead).then(|| {
                (
                    Change::LeadProfessionalSet {
                        party_id: lead.then_some(party_id),
                    },
                    // A new party cannot have been chosen by anyone else.
                    new,
                )
            })
        });
        self.append_changes(
            actor,
            plan_id,
            base_version,
            reason,
            change,
            Some(follow_up),
            resolution,
            plan_types,
        )
        .await
        .map(super::plans::SavedPlan::into_plan)
    }
}
