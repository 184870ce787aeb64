//! Plans as they stood at their latest few versions, kept in memory so
//! that a save based on an earlier version (an editor's form opened before
//! a colleague saved) is merged without reading and replaying the plan's
//! whole history (issue 14).
//!
//! A version is known by the chain hash of the change that made it
//! (store/chain.rs): that hash covers the plan's whole history up to it,
//! so a kept plan is used only when the database holds exactly the history
//! it was built from (whichever database, whichever instance wrote it).
//! The save reads the hash from the database first; a plan not kept, or
//! kept under another hash, is rebuilt from the history as before. Memory
//! is bounded: past [`MAX_PLANS`], the oldest go.
//!
//! A save starts from the plan as it stands: when its latest version is
//! kept, the save takes it from here instead of reading and parsing the
//! stored projection (the same plan: the projection is written from it in
//! the save's transaction), together with its content hash when the save
//! that made it worked that out, which the parties' standings need.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use goldthread_domain::plan::Plan;
use uuid::Uuid;

/// At most this many plan versions are kept (a large My Support Plan is
/// about 100 KB in memory).
pub const MAX_PLANS: usize = 256;

type Key = (Uuid, String);

/// A plan version kept, and its content hash (`Plan::content_hash`) when
/// it was worked out.
#[derive(Clone)]
pub(crate) struct Kept {
    pub plan: Arc<Plan>,
    pub content_hash: Option<Arc<str>>,
}

#[derive(Default)]
struct Recent {
    plans: HashMap<Key, Kept>,
    /// Keys, oldest first, for eviction.
    order: VecDeque<Key>,
}

static RECENT: LazyLock<Mutex<Recent>> = LazyLock::new(Default::default);

fn recent() -> std::sync::MutexGuard<'static, Recent> {
    RECENT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Plan `id` as its change with chain hash `hash` left it, if kept.
pub(crate) fn get(id: Uuid, hash: &str) -> Option<Kept> {
    recent().plans.get(&(id, hash.to_owned())).cloned()
}

/// Keeps plan `id` as the change with chain hash `hash` left it, with its
/// content hash if known.
pub(crate) fn put(id: Uuid, hash: String, plan: Arc<Plan>, content_hash: Option<&str>) {
    let kept = Kept {
        plan,
        content_hash: content_hash.map(Arc::from),
    };
    let mut recent = recent();
    let key = (id, hash);
    if recent.plans.insert(key.clone(), kept).is_none() {
        recent.order.push_back(key);
    }
    while recent.order.len() > MAX_PLANS {
        if let Some(oldest) = recent.order.pop_front() {
            recent.plans.remove(&oldest);
        }
    }
}

/// Forgets every kept version of plan `id` (a plan removed under
/// retention keeps nothing in memory either).
pub(crate) fn forget(id: Uuid) {
    let mut recent = recent();
    recent.plans.retain(|(plan, _), _| *plan != id);
    recent.order.retain(|(plan, _)| *plan != id);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(id: Uuid) -> Arc<Plan> {
        use goldthread_domain::plan::{Change, ChangeRecord, PlanDetails};
        let created = ChangeRecord {
            seq: 1,
            at: time::OffsetDateTime::UNIX_EPOCH,
            author_id: None,
            author_name: "Priya Shah".into(),
            reason: None,
            change: Change::Created {
                person_id: Uuid::nil(),
                plan_type: "YP".into(),
                number: 1,
                details: PlanDetails {
                    title: "Kai's plan".into(),
                    start_date: None,
                    review_interval_weeks: None,
                },
            },
        };
        Arc::new(Plan::replay(id, [&created]).expect("a created plan"))
    }

    #[test]
    fn a_version_is_found_only_by_its_plan_and_hash_and_the_oldest_go_first() {
        let id = Uuid::new_v4();
        put(id, "a".into(), plan(id), Some("c1:abc"));
        assert_eq!(get(id, "a").and_then(|k| k.content_hash).as_deref(), Some("c1:abc"));
        assert!(get(id, "b").is_none(), "another history is another key");
        assert!(get(Uuid::new_v4(), "a").is_none(), "another plan is another key");
        for n in 0..MAX_PLANS {
            let other = Uuid::new_v4();
            put(other, format!("{n}"), plan(other), None);
        }
        assert!(get(id, "a").is_none(), "the oldest went");
    }

    #[test]
    fn a_plan_forgotten_keeps_no_version() {
        let id = Uuid::new_v4();
        put(id, "x".into(), plan(id), None);
        put(id, "y".into(), plan(id), None);
        forget(id);
        assert!(get(id, "x").is_none() && get(id, "y").is_none());
    }
}
