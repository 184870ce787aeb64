//! Benchmarks of the writer's checks (SPEC section 6).
//!
//! `smart_check_per_phrase`: the SMART check (Q1) on a dozen typical
//! outcomes, steps and targets, one benchmark per phrase plus the whole set
//! (reported per phrase through `Throughput::Elements`). Target: under 20 µs
//! per phrase, so it can run on every keystroke.
//!
//! Run with:
//! `cargo bench -p goldthread-domain --bench checks -- --warm-up-time 1 --measurement-time 2`
//!
//! `all_checks_full_msp`: every check (`checks::all`: golden thread,
//! realism and the SMART check of every outcome, step and target) over a
//! full, realistic My Support Plan — 6 aspirations, 12 needs across the
//! seven areas, 7 outcomes each with 2 steps of 2 targets (49 SMART texts),
//! 5 parties, 20 provision lines and a personal budget — and the SVG
//! picture of its golden thread. Target: under 1 ms for all checks.
//!
//! `content_hash_full_msp`: the content hash of the same plan (what
//! agreements are bound to), worked out on every save.
//!
//! More benchmarks go in as further functions in the same
//! `criterion_group!` below.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use goldthread_domain::checks::picture::{PictureLabels, golden_thread_svg};
use goldthread_domain::checks::smart::check;
use goldthread_domain::checks::{self, golden_thread};
use goldthread_domain::content::{
    Aspiration, Budget, BudgetItem, BudgetPeriod, Frequency, Funding, Item, Need, Outcome, Per, Provision, Step,
    SupportedBy, Target, Term,
};
use goldthread_domain::plan::{Change, ChangeRecord, Party, PartyRole, Plan, PlanDetails};
use goldthread_domain::plan_type::{Registry, Whose};
use time::macros::{date, datetime};
use uuid::Uuid;

/// Typical phrasings across education, supported housing, health and youth
/// work, SMART and not, short and long: (label, text).
const PHRASES: &[(&str, &str)] = &[
    ("seed_vague", "improve school attendance"),
    (
        "seed_smart",
        "attend school for at least four days a week for the next three months",
    ),
    (
        "send_ks2",
        "By the end of key stage 2, Leo will be able to read 100 high-frequency words, as \
         measured by termly reading assessments.",
    ),
    (
        "send_help",
        "Noah will ask for help in class without prompting on 4 out of 5 occasions by the end \
         of the autumn term, as observed by his teaching assistant.",
    ),
    (
        "housing_rent",
        "Sam will pay his rent in full every month for the next six months, as shown by his \
         rent account.",
    ),
    (
        "housing_tenancy",
        "Chloe will keep her tenancy for at least six months.",
    ),
    (
        "housing_arrears",
        "Clear her rent arrears of £350 by paying £25 a week on top of her rent, as shown on \
         her rent statement, by the end of March 2027.",
    ),
    (
        "health_sleep",
        "Amira will go to bed by 10pm on at least 5 nights a week by the end of March, \
         recorded in her sleep diary.",
    ),
    (
        "health_medication",
        "Take her medication every morning without prompting by 31/03/2027, recorded on the \
         MAR chart",
    ),
    ("health_vague", "Feel less anxious"),
    ("youth_club", "Join a sports club to increase social interaction"),
    (
        "youth_counsellor",
        "Tia will meet her counsellor every Tuesday for the next 10 weeks.",
    ),
];

fn smart_check_per_phrase(c: &mut Criterion) {
    let mut group = c.benchmark_group("smart_check_per_phrase");
    group.throughput(Throughput::Elements(1));
    for &(label, text) in PHRASES {
        group.bench_with_input(BenchmarkId::from_parameter(label), text, |b, text| {
            b.iter(|| check(black_box(text)))
        });
    }
    // the whole set; criterion reports it per phrase (elements/s)
    group.throughput(Throughput::Elements(PHRASES.len() as u64));
    group.bench_function("all_phrases", |b| {
        b.iter(|| {
            for &(_, text) in PHRASES {
                black_box(check(black_box(text)));
            }
        })
    });
    group.finish();
}

/// The change log of a full, realistic MSP for Leo, aged 8.
fn full_msp() -> Plan {
    let mut log: Vec<ChangeRecord> = Vec::new();
    let mut push = |change: Change| {
        let seq = log.len() as i64 + 1;
        log.push(ChangeRecord {
            seq,
            at: datetime!(2026-09-01 09:00 UTC) + time::Duration::minutes(seq),
            author_id: None,
            author_name: "Priya Shah".into(),
            reason: None,
            change,
        });
    };
    let start = date!(2026 - 09 - 07);
    push(Change::Created {
        person_id: Uuid::new_v4(),
        plan_type: "MSP".into(),
        number: 1,
        details: PlanDetails {
            title: "Leo's My Support Plan".into(),
            start_date: Some(start),
            review_interval_weeks: Some(13),
        },
    });
    let parties: Vec<Uuid> = [
        ("Priya Shah", PartyRole::Senco),
        ("Mr Daniel Hughes", PartyRole::Teacher),
        ("Claire Martin", PartyRole::ParentCarer),
        ("Dr Tom Price", PartyRole::HealthProfessional),
        ("Ruth Adeyemi", PartyRole::SocialWorker),
    ]
    .into_iter()
    .map(|(name, role)| {
        let party = Party {
            id: Uuid::new_v4(),
            name: name.into(),
            role,
            agency: None,
            relationship: None,
            contact: None,
            user_id: None,
        };
        let id = party.id;
        push(Change::PartyAdded { party });
        id
    })
    .collect();

    let aspirations: Vec<Uuid> = [
        (Term::Long, Whose::Person, "I want to be a vet and work with horses"),
        (Term::Short, Whose::Person, "I want to have a best friend at school"),
        (Term::Short, Whose::Person, "I want to read Harry Potter by myself"),
        (
            Term::Long,
            Whose::Person,
            "I want to go to the big school with my friends",
        ),
        (
            Term::Long,
            Whose::Parent,
            "We want Leo to be independent and happy as an adult",
        ),
        (Term::Short, Whose::Parent, "We want Leo to sleep through the night"),
    ]
    .into_iter()
    .map(|(term, whose, text)| {
        let id = Uuid::new_v4();
        push(Change::ItemAdded {
            item: Item::Aspiration(Aspiration {
                id,
                term,
                whose,
                text: text.into(),
            }),
        });
        id
    })
    .collect();

    let needs: Vec<Uuid> = [
        (
            "cognition_learning",
            "Reading age is two years below his chronological age",
        ),
        (
            "cognition_learning",
            "Finds it hard to remember instructions with more than two steps",
        ),
        (
            "communication_interaction",
            "Does not ask for help when he is stuck in class",
        ),
        (
            "communication_interaction",
            "Finds it hard to take turns in conversation",
        ),
        ("social_emotional", "Becomes anxious at transitions between lessons"),
        ("social_emotional", "Has few friends and plays alone at break time"),
        ("sensory_physical", "Fine motor difficulties make handwriting slow"),
        ("sensory_physical", "Sensitive to noise in the dining hall"),
        ("preparing_for_adulthood", "Needs to learn to pack his own school bag"),
        ("health", "Asthma: needs his inhaler before PE"),
        ("health", "Poor sleep: often awake after midnight"),
        ("social_care", "The family needs short breaks"),
    ]
    .into_iter()
    .map(|(area, text)| {
        let id = Uuid::new_v4();
        push(Change::ItemAdded {
            item: Item::Need(Need {
                id,
                area: area.into(),
                text: text.into(),
            }),
        });
        id
    })
    .collect();

    // (text, needs, areas, aspirations, [(step, [target; 2]); 2])
    type OutcomeSpec = (
        &'static str,
        &'static [usize],
        &'static [&'static str],
        &'static [usize],
        [(&'static str, [&'static str; 2]); 2],
    );
    let outcomes: [OutcomeSpec; 7] = [
        (
            "By the end of key stage 2, Leo will read a book of his choice at his age level, as measured by termly \
             reading assessments",
            &[0],
            &["cognition_learning"],
            &[2],
            [
                (
                    "By the end of year 4, Leo will read 100 high-frequency words",
                    [
                        "Within the next 6 weeks, Leo will read the first 25 high-frequency words",
                        "By the end of the autumn term, Leo will read 50 high-frequency words",
                    ],
                ),
                (
                    "By the end of year 5, Leo will read a short chapter book with 90% accuracy",
                    [
                        "By half term, Leo will read a levelled book aloud with 90% accuracy",
                        "By Easter, Leo will retell a story he has read in 3 sentences",
                    ],
                ),
            ],
        ),
        (
            "By the end of key stage 2, Leo will ask an adult for help when he is stuck on 4 out of 5 occasions, as \
             observed by his teaching assistant",
            &[2, 1],
            &["communication_interaction"],
            &[0],
            [
                (
                    "By the end of year 4, Leo will use his help card in every maths lesson",
                    [
                        "Within the next 6 weeks, Leo will show his help card 3 times a week",
                        "By the end of the autumn term, Leo will say 'I need help' once a day",
                    ],
                ),
                (
                    "By the end of year 5, Leo will follow three-step instructions on 4 out of 5 occasions",
                    [
                        "By half term, Leo will repeat a two-step instruction back to an adult",
                        "By Easter, Leo will follow a visual checklist of 3 steps without prompting",
                    ],
                ),
            ],
        ),
        (
            "By the end of year 5, Leo will take turns in a conversation with a friend for 5 minutes at break time \
             on at least 3 days a week",
            &[3, 5],
            &[],
            &[1],
            [
                (
                    "By the end of year 4, Leo will join a lunchtime club once a week",
                    [
                        "Within the next 6 weeks, Leo will attend Lego club every Tuesday",
                        "By the end of the autumn term, Leo will invite a friend to Lego club",
                    ],
                ),
                (
                    "By the end of year 5, Leo will play a board game with 2 friends each week",
                    [
                        "By half term, Leo will wait for his turn in a game 4 out of 5 times",
                        "By Easter, Leo will start a conversation with a friend twice a week",
                    ],
                ),
            ],
        ),
        (
            "By the end of year 5, Leo will move between lessons calmly on 4 out of 5 days, as recorded on his \
             daily report card",
            &[4, 7],
            &["social_emotional"],
            &[3],
            [
                (
                    "By the end of year 4, Leo will use his visual timetable at every transition",
                    [
                        "Within the next 6 weeks, Leo will check his timetable with an adult each morning",
                        "By the end of the autumn term, Leo will move to assembly with a buddy every day",
                    ],
                ),
                (
                    "By the end of year 5, Leo will eat lunch in the dining hall on 3 days a week",
                    [
                        "By half term, Leo will eat in the quiet area of the hall twice a week",
                        "By Easter, Leo will wear ear defenders and stay for 20 minutes",
                    ],
                ),
            ],
        ),
        (
            "By the end of key stage 2, Leo will write a paragraph of 5 sentences legibly in 15 minutes, as assessed \
             by his class teacher",
            &[6],
            &["sensory_physical"],
            &[2, 3],
            [
                (
                    "By the end of year 4, Leo will form all lower-case letters correctly",
                    [
                        "Within the next 6 weeks, Leo will complete his fine motor programme 3 times a week",
                        "By the end of the autumn term, Leo will write his name and address legibly",
                    ],
                ),
                (
                    "By the end of year 5, Leo will type 15 words a minute",
                    [
                        "By half term, Leo will use a touch-typing programme for 10 minutes a day",
                        "By Easter, Leo will type a 50-word story in 5 minutes",
                    ],
                ),
            ],
        ),
        (
            "By the end of year 5, Leo will pack his own school bag every morning using a checklist, as reported by \
             his mum",
            &[8],
            &["preparing_for_adulthood"],
            &[4],
            [
                (
                    "By the end of year 4, Leo will pack his PE kit on Mondays",
                    [
                        "Within the next 6 weeks, Leo will tick his checklist with help each morning",
                        "By the end of the autumn term, Leo will remember his reading book 4 days a week",
                    ],
                ),
                (
                    "By the end of year 5, Leo will get ready for school in 20 minutes",
                    [
                        "By half term, Leo will get dressed without prompting 3 mornings a week",
                        "By Easter, Leo will put his lunchbox in his bag every day",
                    ],
                ),
            ],
        ),
        (
            "By the end of the spring term, Leo will be asleep by 9pm on at least 5 nights a week, recorded in his \
             sleep diary, and will take his inhaler before every PE lesson",
            &[9, 10, 11],
            &["health", "social_care"],
            &[5, 4],
            [
                (
                    "By the end of year 4, Leo will follow a bedtime routine every night",
                    [
                        "Within the next 6 weeks, Leo will switch off screens by 8pm 5 nights a week",
                        "By the end of the autumn term, Leo will stay in bed after lights out 4 nights a week",
                    ],
                ),
                (
                    "By the end of year 4, Leo will tell an adult when he needs his inhaler",
                    [
                        "By half term, Leo will take his inhaler before PE with a reminder every week",
                        "By Easter, Leo will take his inhaler before PE without a reminder",
                    ],
                ),
            ],
        ),
    ];
    let mut outcome_ids = Vec::new();
    for (text, need_idx, areas, asp_idx, steps) in outcomes {
        let outcome_id = Uuid::new_v4();
        outcome_ids.push(outcome_id);
        push(Change::ItemAdded {
            item: Item::Outcome(Outcome {
                id: outcome_id,
                text: text.into(),
                by_when: None,
                stage: Some("By the end of key stage 2".into()),
                areas: areas.iter().map(|a| (*a).to_owned()).collect(),
                need_ids: need_idx.iter().map(|&i| needs[i]).collect(),
                aspiration_ids: asp_idx.iter().map(|&i| aspirations[i]).collect(),
                supported_by: SupportedBy {
                    education: true,
                    health: false,
                    social_care: false,
                },
                measure: None,
                steps: Vec::new(),
            }),
        });
        for (step_text, targets) in steps {
            let step_id = Uuid::new_v4();
            push(Change::ItemAdded {
                item: Item::Step {
                    outcome_id,
                    step: Step {
                        id: step_id,
                        text: step_text.into(),
                        service: None,
                        targets: Vec::new(),
                    },
                },
            });
            for target_text in targets {
                push(Change::ItemAdded {
                    item: Item::Target {
                        step_id,
                        target: Target {
                            id: Uuid::new_v4(),
                            text: target_text.into(),
                            by_when: None,
                        },
                    },
                });
            }
        }
    }

    // (what, party, times, per, minutes, weekly cost £, funding, outcome, week it starts)
    type ProvisionSpec = (&'static str, usize, u32, Per, u32, i64, Funding, usize, i64);
    #[rustfmt::skip]
    let provision: [ProvisionSpec; 20] = [
        ("Precision teaching of high-frequency words, 1:1 with the TA", 0, 3, Per::Week, 10, 15, Funding::Education, 0, 0),
        ("Guided reading in a group of 4", 1, 2, Per::Week, 20, 10, Funding::Education, 0, 0),
        ("Paired reading at home with Mum", 2, 5, Per::Week, 10, 0, Funding::Other, 0, 1),
        ("Help card and 'ask 3 before me' prompt in every lesson", 1, 1, Per::SchoolDay, 5, 0, Funding::Education, 1, 0),
        ("Memory games for following instructions, small group", 0, 2, Per::Week, 15, 12, Funding::Education, 1, 1),
        ("Speech and language therapy: social communication", 3, 1, Per::Fortnight, 45, 40, Funding::Health, 2, 2),
        ("Lego therapy club at lunchtime", 0, 1, Per::Week, 30, 8, Funding::Education, 2, 1),
        ("Social stories about joining in at break", 1, 2, Per::Week, 10, 0, Funding::Education, 2, 2),
        ("Visual timetable checked with an adult each morning", 1, 1, Per::SchoolDay, 5, 0, Funding::Education, 3, 0),
        ("Transition buddy between lessons", 0, 1, Per::SchoolDay, 5, 5, Funding::Education, 3, 2),
        ("Quiet lunch space with ear defenders", 0, 1, Per::SchoolDay, 20, 6, Funding::Education, 3, 3),
        ("Fine motor programme (Clever Hands), small group", 0, 3, Per::Week, 15, 12, Funding::Education, 4, 1),
        ("Occupational therapy review", 3, 1, Per::Term, 60, 10, Funding::Health, 4, 4),
        ("Touch-typing programme", 1, 1, Per::SchoolDay, 10, 3, Funding::Education, 4, 3),
        ("Morning checklist practised at home", 2, 1, Per::Day, 10, 0, Funding::Other, 5, 2),
        ("Independence skills group", 0, 1, Per::Week, 30, 10, Funding::Education, 5, 4),
        ("Sleep hygiene programme with the school nurse", 3, 1, Per::Fortnight, 30, 20, Funding::Health, 6, 3),
        ("Asthma plan: inhaler before PE, supervised", 1, 2, Per::Week, 5, 0, Funding::Education, 6, 0),
        ("Short breaks: Saturday club", 4, 1, Per::Week, 150, 45, Funding::PersonalBudget, 6, 4),
        ("Sitting service so parents can rest", 4, 1, Per::Fortnight, 180, 30, Funding::PersonalBudget, 6, 5),
    ];
    for (what, party, times, per, minutes, pounds, funding, outcome, week) in provision {
        push(Change::ItemAdded {
            item: Item::Provision(Provision {
                id: Uuid::new_v4(),
                what: what.into(),
                party_id: Some(parties[party]),
                frequency: Some(Frequency { times, per }),
                duration_minutes: Some(minutes),
                from: Some(start + time::Duration::weeks(week)),
                until: None,
                resources: None,
                weekly_cost_pence: Some(pounds * 100),
                funding: Some(funding),
                outcome_ids: vec![outcome_ids[outcome]],
                ended: None,
            }),
        });
    }
    push(Change::BudgetSet {
        budget: Some(Budget {
            amount_pence: 520_000,
            period: BudgetPeriod::Year,
            management: Some("Direct payment".into()),
            in_control: Some("Claire manages the account with the family's support worker".into()),
        }),
    });
    for (what, pence, period) in [
        ("Saturday club", 4500, BudgetPeriod::Week),
        ("Sitting service", 6000, BudgetPeriod::Month),
    ] {
        push(Change::ItemAdded {
            item: Item::BudgetItem(BudgetItem {
                id: Uuid::new_v4(),
                what: what.into(),
                cost_pence: pence,
                period,
            }),
        });
    }
    Plan::replay(Uuid::new_v4(), &log).expect("the bench plan replays")
}

fn all_checks_full_msp(c: &mut Criterion) {
    let plan = full_msp();
    let registry = Registry::builtin();
    let msp = registry.get("MSP").expect("MSP is shipped");
    // The plan is joined up and realistic, as a finished plan would be.
    let all = checks::all(&plan, Some(msp));
    assert!(all.golden_thread.unbroken, "{:#?}", all.golden_thread.gaps);
    assert!(all.realism.realistic, "{:#?}", all.realism.warnings);
    assert_eq!(all.smart.len(), 7 + 14 + 28);
    let thread = &all.golden_thread;
    let boxes = thread.aspirations.len() + thread.needs.len() + thread.outcomes.len() + thread.provision.len();
    assert_eq!((boxes, thread.links.len()), (45, 45));

    let mut group = c.benchmark_group("all_checks_full_msp");
    group.bench_function("all", |b| b.iter(|| checks::all(black_box(&plan), Some(msp))));
    let thread = golden_thread::check(&plan, Some(msp));
    let labels = PictureLabels::for_plan_type(Some(msp));
    group.bench_function("golden_thread_svg", |b| {
        b.iter(|| golden_thread_svg(black_box(&thread), &labels))
    });
    group.finish();
}

/// The plan's content hash (what agreements are bound to; worked out on
/// every save, for the dashboard and for who has still to agree) of the
/// same full My Support Plan.
fn content_hash_full_msp(c: &mut Criterion) {
    use goldthread_domain::canonical::{CANONICAL_FORM_VERSION, content_value, prune};
    use sha2::Digest;
    let plan = full_msp();
    let mut group = c.benchmark_group("content_hash_full_msp");
    group.bench_function("hash", |b| b.iter(|| black_box(&plan).content_hash()));
    // Through the plan's JSON value, pruned and written by our own RFC 8785
    // writer: how the hash was made before it was written straight from
    // the plan (src/jcs.rs).
    group.bench_function("hash_through_value", |b| {
        b.iter(|| goldthread_domain::canonical::hash_of_value(content_value(black_box(&plan))))
    });
    // The same bytes through the serde_json_canonicalizer crate, as the
    // hash was made before (for comparison in the same run).
    group.bench_function("hash_through_serde_json_canonicalizer", |b| {
        b.iter(|| {
            let wrapped = serde_json::json!({
                "canonical_form": CANONICAL_FORM_VERSION,
                "plan": prune(content_value(black_box(&plan))).unwrap(),
            });
            let bytes = serde_json_canonicalizer::to_vec(&wrapped).unwrap();
            format!("c1:{}", hex::encode(sha2::Sha256::digest(bytes)))
        })
    });
    assert_eq!(
        plan.content_hash(),
        {
            let wrapped = serde_json::json!({"canonical_form": CANONICAL_FORM_VERSION, "plan": prune(content_value(&plan)).unwrap()});
            format!(
                "c1:{}",
                hex::encode(sha2::Sha256::digest(
                    serde_json_canonicalizer::to_vec(&wrapped).unwrap()
                ))
            )
        },
        "the same hash both ways"
    );
    group.finish();
}

criterion_group!(
    benches,
    smart_check_per_phrase,
    all_checks_full_msp,
    content_hash_full_msp
);
criterion_main!(benches);
