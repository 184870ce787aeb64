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
//!
//! A version that leaves the latest few may stay on as a plan's *anchor*
//! (at most [`ANCHORS_PER_PLAN`] a plan, [`ANCHOR_SPACING`] versions or
//! more apart, for the [`MAX_ANCHORED_PLANS`] plans most lately anchored):
//! a save based on a version no longer kept is then worked out from the
//! nearest anchor before it and the changes since, not by replaying the
//! plan's whole history. A plan saved all day has thousands of changes;
//! replaying them in its turn made saves of a busy plan slow, and slow
//! saves made more editors' versions fall out of memory (issue 14).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use goldthread_domain::plan::Plan;
use uuid::Uuid;

/// At most this many plan versions are kept (a large My Support Plan is
/// about 100 KB in memory).
pub const MAX_PLANS: usize = 256;

/// A plan keeps at most this many anchors, the newest.
pub const ANCHORS_PER_PLAN: usize = 4;

/// A version becomes an anchor only this many versions or more after the
/// plan's newest anchor, so that a plan's anchors span its recent history
/// and a save replays fewer than about this many changes from one.
pub const ANCHOR_SPACING: i64 = 16;

/// Anchors are kept for at most this many plans, those most lately
/// anchored.
pub const MAX_ANCHORED_PLANS: usize = 32;

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
    /// Each anchored plan's anchors, oldest first, with their chain hashes.
    anchors: HashMap<Uuid, Vec<(String, Kept)>>,
    /// Anchored plans, the one least lately anchored first, for eviction.
    anchored: VecDeque<Uuid>,
}

impl Recent {
    /// A version leaving the latest few stays on as an anchor of its plan
    /// when it is far enough after the plan's newest anchor.
    fn anchor(&mut self, id: Uuid, hash: String, kept: Kept) {
        let anchors = self.anchors.entry(id).or_default();
        if anchors
            .last()
            .is_some_and(|(_, newest)| kept.plan.version < newest.plan.version + ANCHOR_SPACING)
        {
            return;
        }
        anchors.push((hash, kept));
        if anchors.len() > ANCHORS_PER_PLAN {
            anchors.remove(0);
        }
        self.anchored.retain(|plan| *plan != id);
        self.anchored.push_back(id);
        while self.anchored.len() > MAX_ANCHORED_PLANS {
            if let Some(oldest) = self.anchored.pop_front() {
                self.anchors.remove(&oldest);
            }
        }
    }
}

static RECENT: LazyLock<Mutex<Recent>> = LazyLock::new(Default::default);

fn recent() -> std::sync::MutexGuard<'static, Recent> {
    RECENT.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Plan `id` as its change with chain hash `hash` left it, if kept.
pub(crate) fn get(id: Uuid, hash: &str) -> Option<Kept> {
    let recent = recent();
    if let Some(kept) = recent.plans.get(&(id, hash.to_owned())) {
        return Some(kept.clone());
    }
    recent
        .anchors
        .get(&id)?
        .iter()
        .find(|(h, _)| h == hash)
        .map(|(_, kept)| kept.clone())
}

/// The latest version of plan `id` kept (of the latest few or its
/// anchors) that is no later than `version`, with its chain hash: where a
/// save based on an earlier version no longer kept starts from. The
/// caller checks the hash against the database before using it.
pub(crate) fn at_or_before(id: Uuid, version: i64) -> Option<(String, Kept)> {
    let recent = recent();
    let latest = recent
        .plans
        .iter()
        .filter(|((plan, _), kept)| *plan == id && kept.plan.version <= version)
        .map(|((_, hash), kept)| (hash, kept));
    let anchors = recent
        .anchors
        .get(&id)
        .into_iter()
        .flatten()
        .filter(|(_, kept)| kept.plan.version <= version)
        .map(|(hash, kept)| (hash, kept));
    latest
        .chain(anchors)
        .max_by_key(|(_, kept)| kept.plan.version)
        .map(|(hash, kept)| (hash.clone(), kept.clone()))
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
        if let Some(oldest) = recent.order.pop_front()
            && let Some(kept) = recent.plans.remove(&oldest)
        {
            let (plan, hash) = oldest;
            recent.anchor(plan, hash, kept);
        }
    }
}

/// Forgets every kept version of plan `id` (a plan removed under
/// retention keeps nothing in memory either).
pub(crate) fn forget(id: Uuid) {
    let mut recent = recent();
    recent.plans.retain(|(plan, _), _| *plan != id);
    recent.order.retain(|(plan, _)| *plan != id);
    recent.anchors.remove(&id);
    recent.anchored.retain(|plan| *plan != id);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept versions are one for the process: these tests, which push
    /// versions out, take turns.
    static TURN: Mutex<()> = Mutex::new(());

    fn turn() -> std::sync::MutexGuard<'static, ()> {
        TURN.lock().unwrap_or_else(PoisonError::into_inner)
    }

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
        let _turn = turn();
        let id = Uuid::new_v4();
        put(id, "a".into(), plan(id), Some("c1:abc"));
        assert_eq!(get(id, "a").and_then(|k| k.content_hash).as_deref(), Some("c1:abc"));
        assert!(get(id, "b").is_none(), "another history is another key");
        assert!(get(Uuid::new_v4(), "a").is_none(), "another plan is another key");
        put(id, "b".into(), at_version(id, 2), None);
        for n in 0..MAX_PLANS {
            let other = Uuid::new_v4();
            put(other, format!("{n}"), plan(other), None);
        }
        assert!(get(id, "b").is_none(), "the oldest went");
        assert!(
            get(id, "a").is_some(),
            "the first of the plan's versions to go stays as its anchor"
        );
    }

    fn at_version(id: Uuid, version: i64) -> Arc<Plan> {
        let mut plan = (*plan(id)).clone();
        plan.version = version;
        Arc::new(plan)
    }

    /// Pushes every version of other plans out of the latest few.
    fn crowd_out() {
        for n in 0..MAX_PLANS {
            let other = Uuid::new_v4();
            put(other, format!("crowd {n}"), plan(other), None);
        }
    }

    #[test]
    fn versions_gone_from_the_latest_stay_as_anchors_spaced_apart() {
        let _turn = turn();
        let id = Uuid::new_v4();
        // Versions 1 to 100 saved one after another, then pushed out.
        for version in 1..=100 {
            put(id, format!("v{version}"), at_version(id, version), None);
        }
        crowd_out();
        // Anchors: 1, then each ANCHOR_SPACING on (17, 33, 49, 65, 81,
        // 97), the newest ANCHORS_PER_PLAN of them kept.
        let anchors: Vec<i64> = (1..=100).filter(|v| get(id, &format!("v{v}")).is_some()).collect();
        assert_eq!(anchors, [49, 65, 81, 97]);
        assert!(anchors.windows(2).all(|w| w[1] - w[0] >= ANCHOR_SPACING));
        // A save based on version 90 starts from 81, one based on 97 or
        // later from 97; nothing is kept from before 49.
        let from = |v| at_or_before(id, v).map(|(hash, kept)| (hash, kept.plan.version));
        assert_eq!(from(90), Some(("v81".to_owned(), 81)));
        assert_eq!(from(100), Some(("v97".to_owned(), 97)));
        assert_eq!(from(48), None);
        // Among the latest few, the nearest before is found too.
        put(id, "v101".into(), at_version(id, 101), None);
        put(id, "v102".into(), at_version(id, 102), None);
        assert_eq!(from(101), Some(("v101".to_owned(), 101)));
        forget(id);
        assert_eq!(from(200), None, "a plan forgotten keeps no anchor");
    }

    #[test]
    fn anchors_are_kept_for_the_plans_most_lately_anchored() {
        let _turn = turn();
        let first = Uuid::new_v4();
        put(first, "first".into(), plan(first), None);
        crowd_out();
        assert!(get(first, "first").is_some(), "anchored when pushed out");
        // The crowd's versions, pushed out in turn, anchor MAX_PLANS
        // other plans, more than MAX_ANCHORED_PLANS.
        crowd_out();
        assert!(
            get(first, "first").is_none(),
            "the plan least lately anchored lost its anchors"
        );
    }

    #[test]
    fn a_plan_forgotten_keeps_no_version() {
        let _turn = turn();
        let id = Uuid::new_v4();
        put(id, "x".into(), plan(id), None);
        put(id, "y".into(), plan(id), None);
        forget(id);
        assert!(get(id, "x").is_none() && get(id, "y").is_none());
    }
}
