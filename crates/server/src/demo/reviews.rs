//! The demo's reviews (issue 10): Leo's My Support Plan has had two formal
//! reviews, R1 and R2, with what was added marked and an ended provision
//! struck through; Jade's supported housing plan has weekly support
//! reviews over several weeks, one of which updated her safety plan. Every
//! change goes through [`Store::change_plan`], so the review rules hold.

use anyhow::{Context, anyhow};
use goldthread_domain::content::{Frequency, Funding, Item, ItemKind, Per, Provision, Target};
use goldthread_domain::plan::{Change, Plan};
use goldthread_domain::plan_type::Registry;
use goldthread_domain::review::{OutcomeRating, ReviewKind};
use goldthread_domain::user::Actor;
use time::Date;
use time::macros::date;
use uuid::Uuid;

use crate::store::Store;

struct Reviewer<'a> {
    store: &'a Store,
    types: &'a Registry,
    actor: Actor,
    plan: Plan,
}

impl Reviewer<'_> {
    async fn apply(&mut self, reason: &str, change: Change) -> anyhow::Result<()> {
        let what = change.describe(&self.plan);
        self.plan = self
            .store
            .change_plan(
                &self.actor,
                self.plan.id,
                self.plan.version,
                Some(reason),
                change,
                self.types,
            )
            .await
            .with_context(|| what)?;
        Ok(())
    }

    async fn open(&mut self, kind: ReviewKind, on: Date, participants: &[&str]) -> anyhow::Result<Uuid> {
        let review_id = Uuid::new_v4();
        let change = Change::ReviewOpened {
            review_id,
            kind,
            on,
            participants: participants.iter().map(|p| (*p).to_owned()).collect(),
        };
        self.apply("Review meeting", change).await?;
        Ok(review_id)
    }

    async fn answer(
        &mut self,
        review_id: Uuid,
        answers: &[(&str, &str)],
        ratings: Vec<OutcomeRating>,
    ) -> anyhow::Result<()> {
        let change = Change::ReviewAnswered {
            review_id,
            answers: answers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ratings,
        };
        self.apply("Recorded at the review", change).await
    }

    async fn close(&mut self, review_id: Uuid, on: Date) -> anyhow::Result<()> {
        let change = Change::ReviewClosed {
            review_id,
            on,
            supersedes: false,
        };
        self.apply("Review closed", change).await
    }

    /// Every current outcome rated, with the same note for the demo's sake
    /// varied by the outcome's number.
    fn ratings(&self, ratings: &[(&str, &str)]) -> Vec<OutcomeRating> {
        self.plan
            .content
            .outcomes
            .iter()
            .filter(|o| !self.plan.reviews.ended.contains_key(&o.id))
            .enumerate()
            .map(|(n, o)| {
                let (rating, note) = ratings.get(n).copied().unwrap_or(("partly_met", "Progress is steady."));
                OutcomeRating {
                    outcome_id: o.id,
                    rating: rating.into(),
                    note: note.into(),
                }
            })
            .collect()
    }
}

/// Adds the reviews to the demo's MSP (Leo) and SH (Jade) plans.
pub(super) async fn add(
    store: &Store,
    types: &Registry,
    leo: (Uuid, &Actor),
    jade: (Uuid, &Actor),
) -> anyhow::Result<()> {
    leo_reviews(store, types, leo.0, leo.1).await.context("Leo's reviews")?;
    jade_reviews(store, types, jade.0, jade.1)
        .await
        .context("Jade's weekly reviews")?;
    Ok(())
}

async fn leo_reviews(store: &Store, types: &Registry, id: Uuid, actor: &Actor) -> anyhow::Result<()> {
    let plan = store.plan(actor, id).await?;
    let mut r = Reviewer {
        store,
        types,
        actor: actor.clone(),
        plan,
    };
    let people = ["Leo Martin", "Claire Martin", "David Martin", "Priya Shah", "Mrs Jones"];

    // R1: a new target for asking for help, and the home visits end.
    let on = date!(2026 - 10 - 19);
    let review = r.open(ReviewKind::Formal, on, &people).await?;
    let step = r
        .plan
        .content
        .outcomes
        .first()
        .and_then(|o| o.steps.first())
        .map(|s| s.id)
        .ok_or_else(|| anyhow!("Leo's first outcome has no step"))?;
    let target = Item::Target {
        step_id: step,
        target: Target {
            id: Uuid::new_v4(),
            text: "By February half term, Leo will use his help card in 4 out of 5 maths lessons, counted on his \
                   tally sheet by Miss Clarke."
                .into(),
            by_when: Some(date!(2027 - 02 - 12)),
        },
    };
    r.apply("Agreed at review R1", Change::ItemAdded { item: target })
        .await?;
    let home = r
        .plan
        .content
        .provision
        .iter()
        .find(|p| p.what.starts_with("Home visits"))
        .map(|p| p.id)
        .ok_or_else(|| anyhow!("Leo's plan has no home visits"))?;
    let ended = Change::ItemEnded {
        item_kind: ItemKind::Provision,
        id: home,
        on,
        reason: "The bedtime routine is settled; Claire and David no longer need the visits".into(),
    };
    r.apply("Agreed at review R1", ended).await?;
    let ratings = r.ratings(&[
        (
            "partly_met",
            "Leo uses his help card most mornings; less often in maths.",
        ),
        (
            "met",
            "The sand timer warnings work: no upsets at changes for three weeks.",
        ),
        (
            "partly_met",
            "He joins the Lego group and takes turns; asking to join is next.",
        ),
        ("met", "Asleep by 8.30pm on most school nights, says the bedtime chart."),
    ]);
    r.answer(
        review,
        &[
            ("working_well", "The help card, the sand timer and the Lego group."),
            (
                "not_working_well",
                "The home visits have done their job and can finish.",
            ),
            ("anything_new", "A target for using the help card in maths."),
            ("person_views", "Leo: \"I like the timer. Maths is still hard.\""),
            (
                "parents_views",
                "Claire and David are pleased with bedtimes and want the maths help to continue.",
            ),
        ],
        ratings,
    )
    .await?;
    r.close(review, on).await?;
    agree_again(&mut r, on).await?;

    // R2: lunchtime club support is added.
    let on = date!(2026 - 11 - 30);
    let review = r.open(ReviewKind::Formal, on, &people).await?;
    let outcomes: Vec<Uuid> = r.plan.content.outcomes.iter().skip(2).take(1).map(|o| o.id).collect();
    let senco = r.plan.parties.iter().find(|p| p.name == "Priya Shah").map(|p| p.id);
    let club = Provision {
        id: Uuid::new_v4(),
        what: "Lunchtime club twice a week with a trusted adult, to practise asking to join a game".into(),
        party_id: senco,
        frequency: Some(Frequency {
            times: 2,
            per: Per::Week,
        }),
        duration_minutes: Some(30),
        from: Some(date!(2026 - 12 - 01)),
        until: Some(date!(2027 - 07 - 16)),
        resources: Some("A lunchtime supervisor's time; the school's games box.".into()),
        weekly_cost_pence: Some(1500),
        funding: Some(Funding::Education),
        outcome_ids: outcomes,
        ended: None,
    };
    r.apply(
        "Agreed at review R2",
        Change::ItemAdded {
            item: Item::Provision(club),
        },
    )
    .await?;
    let ratings = r.ratings(&[
        ("partly_met", "The help card in maths: 3 out of 5 lessons so far."),
        ("met", "Changes of activity go smoothly."),
        (
            "partly_met",
            "Leo wants to join games at lunchtime but does not yet ask.",
        ),
        ("met", "Bedtimes stay settled."),
    ]);
    r.answer(
        review,
        &[
            ("working_well", "The help card and the warnings before changes."),
            ("not_working_well", "Lunchtimes are lonely for Leo."),
            ("anything_new", "Support at lunchtime club to practise joining in."),
            ("person_views", "Leo: \"I want to play football at lunch.\""),
            (
                "parents_views",
                "Claire would like an update on lunchtimes each half term.",
            ),
        ],
        ratings,
    )
    .await?;
    r.close(review, on).await?;
    agree_again(&mut r, on).await?;
    Ok(())
}

/// After a formal review the parties asked agree the reviewed plan again,
/// as they did before (on behalf of the same person where they did); the
/// status follows from their agreements (issue 9).
async fn agree_again(r: &mut Reviewer<'_>, on: Date) -> anyhow::Result<()> {
    use goldthread_domain::agreement::{self, Agreement, PartyStanding, Response};
    let statement = agreement::statement_of(r.types.get(&r.plan.plan_type))
        .unwrap_or_default()
        .to_owned();
    for party_id in r.plan.agreements.required.clone() {
        if matches!(agreement::standing(&r.plan, party_id), PartyStanding::Agreed { .. }) {
            continue;
        }
        let Some(party) = r.plan.party(party_id) else {
            continue;
        };
        let on_behalf_of = match agreement::latest(&r.plan, party_id).map(|g| &g.agreement.response) {
            Some(Response::Agreed { on_behalf_of, .. } | Response::Paper { on_behalf_of, .. }) => on_behalf_of.clone(),
            _ => None,
        };
        let agreement = Agreement {
            party_id,
            version: r.plan.agreements.content_version,
            content_hash: r.plan.content_hash(),
            on,
            response: Response::Agreed {
                typed_name: party.name.clone(),
                statement: statement.clone(),
                on_behalf_of,
            },
        };
        r.apply("Agreed the reviewed plan", Change::AgreementRecorded { agreement })
            .await?;
    }
    Ok(())
}

async fn jade_reviews(store: &Store, types: &Registry, id: Uuid, actor: &Actor) -> anyhow::Result<()> {
    let plan = store.plan(actor, id).await?;
    let mut r = Reviewer {
        store,
        types,
        actor: actor.clone(),
        plan,
    };
    let weeks: [(Date, [&str; 4], &str); 4] = [
        (
            date!(2026 - 10 - 12),
            [
                "Jade moved in and unpacked; we registered her with the GP.",
                "Nothing new; Jade is tired and sleeping a lot.",
                "Jade wants help with her Universal Credit journal.",
                "Tuesday 2pm: set up the Universal Credit journal together.",
            ],
            "Working",
        ),
        (
            date!(2026 - 10 - 19),
            [
                "We set up the journal on Tuesday as planned.",
                "Jade had a hard night on Friday after a call from her mum.",
                "She would like to talk to someone about her mum.",
                "Wednesday 10am: referral to the counselling service; check in Friday evening.",
            ],
            "Needs updating: add the calls from her mum as a trigger",
        ),
        (
            date!(2026 - 10 - 26),
            [
                "The counselling referral went in on Wednesday; Friday check-in done.",
                "No new risks; the first counselling appointment is booked.",
                "None this week.",
                "Thursday 3pm: budget for the service charge arrears.",
            ],
            "Working",
        ),
        (
            date!(2026 - 11 - 02),
            [
                "We made a budget on Thursday; Jade paid £20 towards the arrears.",
                "Jade is worried about a letter from the council.",
                "She wants us with her when she calls the council.",
                "Monday 11am: call the council together about the letter.",
            ],
            "Working",
        ),
    ];
    for (on, [last, emerging, other, this], safety) in weeks {
        let review = r.open(ReviewKind::Weekly, on, &["Jade Thompson", "Sam Okafor"]).await?;
        r.answer(
            review,
            &[
                ("last_week", last),
                ("emerging_issues", emerging),
                ("other_support_needs", other),
                ("this_week", this),
                ("safety_plan", safety),
            ],
            vec![],
        )
        .await?;
        if safety.starts_with("Needs updating") {
            let mut risk = r
                .plan
                .content
                .risks
                .first()
                .cloned()
                .ok_or_else(|| anyhow!("Jade's plan has no safety plan"))?;
            let triggers = risk.triggers.take().unwrap_or_default();
            risk.triggers = Some(format!(
                "{triggers} Phone calls from her mum, especially late at night."
            ));
            r.apply(
                "Safety plan updated at the weekly review",
                Change::ItemEdited { item: Item::Risk(risk) },
            )
            .await?;
        }
        r.close(review, on).await?;
    }
    Ok(())
}
