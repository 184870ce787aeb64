//! Kai Bennett, 15, in Year 11 at Riverside Academy: his young person's
//! support plan with a youth worker from the Riverside Youth Project, on
//! school attendance, getting back into football and a referral to
//! counselling. Waiting for Kai, his mum, the youth worker and the school to
//! sign it.

use goldthread_domain::content::StrengthSetting::*;

use super::*;

const HANNAH_USER: &str = "hannah.reid@example.org";

const KAI: &str = "Kai Bennett";
const NICOLA: &str = "Nicola Bennett";
const YOUTH_WORKER: &str = "Youth worker";
const HEAD_OF_YEAR: &str = "Head of Year 11";

pub(super) fn plan() -> DemoPlan {
    let start = date!(2026 - 10 - 12);
    let half_term = date!(2027 - 02 - 12);
    let easter = date!(2027 - 03 - 31);
    DemoPlan {
        author: HANNAH_USER,
        person: PersonInput {
            given_name: Some("Kai".into()),
            family_name: Some("Bennett".into()),
            date_of_birth: Some("2011-01-23".into()),
            setting: Some("Riverside Academy".into()),
            ..Default::default()
        },
        plan_type: "YP",
        title: "Kai's support plan",
        start,
        review_interval_weeks: Some(8),
        parties: vec![
            party(KAI, "person", None, None),
            party(NICOLA, "parent_carer", None, Some("Mum")),
            party(YOUTH_WORKER, "youth_worker", Some("Riverside Youth Project"), None).lead(),
            party(HEAD_OF_YEAR, "teacher", Some("Riverside Academy"), None),
        ],
        content: Content {
            texts: vec![texts(
                "current_situation",
                Some(WrittenBy::MeWithHelp),
                Some("my youth worker"),
                &[
                    (
                        "current_situation",
                        "Kai is 15 and in Year 11 at Riverside Academy, with GCSEs next summer. His attendance \
                         fell to 71% last year, mostly Mondays and Fridays, and he has had 2 internal exclusions \
                         this term. His parents separated in 2025; he lives with his mum Nicola and his sister \
                         Mia (9) and sees his dad now and then. He says he feels \"stressed and angry\" a lot and \
                         games until after 1am on school nights. He played football for a junior club for 5 years \
                         and stopped last year. He came to the Riverside Youth Project drop-in in September 2026 \
                         and asked for help.",
                    ),
                    (
                        "views_child",
                        "I want to get my GCSEs, especially maths and PE, so I can go to college to do sport. I \
                         want to play football again. I don't want loads of meetings about me: one person to talk \
                         to is better. I'd see a counsellor if it's not at school where everyone can see.",
                    ),
                    (
                        "challenges",
                        "Mornings are hard after late nights. Kai avoids lessons where he feels behind (English, \
                         science). There are arguments at home about school, gaming and his dad. Some of his \
                         friends are not in school and want him to skip with them.",
                    ),
                ],
            )],
            strengths: vec![
                (
                    OutOfSetting,
                    "A good footballer: played in midfield for a junior club for 5 years",
                ),
                (InSetting, "Good at maths when he is in lessons (predicted grade 6)"),
                (General, "Funny, and good at making people laugh"),
                (OutOfSetting, "Looks after his sister Mia after school"),
                (General, "Honest about what isn't working"),
            ],
            needs: vec![
                need(
                    "attendance",
                    "education_training",
                    "Attendance was 71% last year, and he has gaps in English and science to catch up before his \
                     GCSEs in May 2027.",
                ),
                need(
                    "stress",
                    "emotional_wellbeing",
                    "Feels stressed and angry, especially about his parents' separation, and hasn't talked to \
                     anyone about it.",
                ),
                need(
                    "football",
                    "friends_social",
                    "Stopped football and spends his evenings gaming; some friends encourage him to miss school.",
                ),
                need(
                    "sleep",
                    "health",
                    "Goes to bed after 1am on most school nights and is tired in the mornings.",
                ),
                need(
                    "home",
                    "family_relationships",
                    "Arguments at home with his mum about school and gaming; little contact with his dad.",
                ),
            ],
            aspirations: vec![
                mine(
                    "gcses",
                    Term::Short,
                    "Get my GCSEs, with at least a grade 4 in English and maths.",
                ),
                mine("team", Term::Short, "Play for a football team again."),
                mine(
                    "coach",
                    Term::Long,
                    "Go to college to do sport, and become a PE teacher or a football coach.",
                ),
            ],
            outcomes: vec![
                OutcomeData {
                    key: "g_school",
                    text: "Kai will attend school for at least four days a week, every week, until the February \
                           half-term (12 February 2027).",
                    by_when: Some(half_term),
                    stage: None,
                    areas: &["education_training"],
                    needs: &["attendance"],
                    aspirations: &["gcses", "coach"],
                    supported_by: supported_by(true, false, false),
                    measure: Some(
                        "The school attendance register, shared with Kai and his mum every Friday: at least 80% \
                         each week.",
                    ),
                    steps: vec![
                        step(
                            "By 18 December 2026, Kai will arrive at school by 8.40am on at least 4 days a week, \
                             as shown by the school register.",
                            Some(Service::Education),
                            &[
                                (
                                    "By 4 December 2026, Kai will meet the head of year at 8.30am for a 5-minute \
                                     check-in on at least 3 Mondays, as recorded on his report card.",
                                    date!(2026 - 12 - 04),
                                ),
                                (
                                    "By 18 December 2026, Kai will attend all his English lessons for 3 weeks in \
                                     a row, as shown by the lesson register.",
                                    date!(2026 - 12 - 18),
                                ),
                            ],
                        ),
                        step(
                            "By 12 February 2027, Kai will go to 2 catch-up sessions a week for English and \
                             science, as recorded by the school.",
                            Some(Service::Education),
                            &[(
                                "By 29 January 2027, Kai will complete 4 science revision booklets, as checked by \
                                 his science teacher.",
                                date!(2027 - 01 - 29),
                            )],
                        ),
                    ],
                },
                OutcomeData {
                    key: "g_football",
                    text: "By 31 January 2027, Kai will attend training sessions at a local football club at least once a \
                           week, as recorded on the club's register.",
                    by_when: Some(date!(2027 - 01 - 31)),
                    stage: None,
                    areas: &["friends_social", "health"],
                    needs: &["football"],
                    aspirations: &["team", "coach"],
                    supported_by: supported_by(false, false, false),
                    measure: Some("The club's training register, and what Kai says at his review."),
                    steps: vec![step(
                        "By 18 December 2026, Kai will go to 2 trial training sessions at a local club with his \
                         youth worker, as recorded by the youth worker.",
                        None,
                        &[
                            (
                                "By 4 December 2026, Kai will choose a club from a list of 3 local clubs and tell \
                                 his youth worker, as recorded in the youth worker's notes.",
                                date!(2026 - 12 - 04),
                            ),
                            (
                                "By 18 December 2026, Kai will complete the club's membership form with his mum, as \
                                 confirmed by the club.",
                                date!(2026 - 12 - 18),
                            ),
                        ],
                    )],
                },
                OutcomeData {
                    key: "g_counselling",
                    text: "By 31 March 2027, Kai will have attended at least 6 counselling sessions and will rate \
                           his stress at 5 or below out of 10 at 3 of 4 monthly check-ins, as recorded by his youth \
                           worker.",
                    by_when: Some(easter),
                    stage: None,
                    areas: &["emotional_wellbeing", "family_relationships"],
                    needs: &["stress", "home"],
                    aspirations: &["gcses"],
                    supported_by: supported_by(false, true, false),
                    measure: Some("Kai's own 0–10 stress rating at monthly check-ins; counselling attendance."),
                    steps: vec![step(
                        "By 15 January 2027, Kai will attend his first appointment with the young people's \
                         counselling service, as confirmed by the service.",
                        Some(Service::Health),
                        &[
                            (
                                "By 4 December 2026, Kai and his mum will agree to the referral and the youth \
                                 worker will send it, as recorded in the youth worker's notes.",
                                date!(2026 - 12 - 04),
                            ),
                            (
                                "By 15 January 2027, Kai will go to his first counselling appointment, as \
                                 confirmed by the service.",
                                date!(2027 - 01 - 15),
                            ),
                        ],
                    )],
                },
                OutcomeData {
                    key: "g_sleep",
                    text: "By 12 February 2027, Kai will be in bed with his phone downstairs by 11pm on at least 4 \
                           school nights a week, as recorded in his sleep diary.",
                    by_when: Some(half_term),
                    stage: None,
                    areas: &["health", "family_relationships"],
                    needs: &["sleep", "home"],
                    aspirations: &["gcses"],
                    supported_by: supported_by(false, true, false),
                    measure: Some(
                        "Kai's sleep diary, checked with his youth worker; his mum's note on the report \
                                   card.",
                    ),
                    steps: vec![step(
                        "By 18 December 2026, Kai will put his phone on charge in the kitchen by 10.30pm on at \
                         least 3 school nights a week, as recorded in his sleep diary.",
                        None,
                        &[(
                            "By 4 December 2026, Kai and his mum will sign a written agreement to switch \
                             screens off at 10.30pm on school nights, as recorded in the youth worker's notes.",
                            date!(2026 - 12 - 04),
                        )],
                    )],
                },
            ],
            provision: vec![
                ProvisionData {
                    what: "One-to-one session with Kai at the youth project (not at school): his goals, sleep \
                           diary and stress rating.",
                    who: YOUTH_WORKER,
                    times: 1,
                    per: Per::Week,
                    minutes: 60,
                    from: start,
                    until: easter,
                    resources: "Youth worker time.",
                    weekly_cost_pence: 2_500,
                    funding: Funding::Other,
                    outcomes: &["g_school", "g_counselling", "g_sleep"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Morning check-in at 8.30am and an attendance report card signed in every lesson.",
                    who: HEAD_OF_YEAR,
                    times: 1,
                    per: Per::SchoolDay,
                    minutes: 10,
                    from: date!(2026 - 11 - 02),
                    until: half_term,
                    resources: "Head of year time; report card.",
                    weekly_cost_pence: 1_200,
                    funding: Funding::Education,
                    outcomes: &["g_school"],
                    added_by: None,
                },
                ProvisionData {
                    what: "After-school catch-up sessions in English and science.",
                    who: HEAD_OF_YEAR,
                    times: 2,
                    per: Per::Week,
                    minutes: 45,
                    from: date!(2026 - 11 - 02),
                    until: half_term,
                    resources: "Subject teachers' time; revision booklets.",
                    weekly_cost_pence: 3_000,
                    funding: Funding::Education,
                    outcomes: &["g_school"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Going with Kai to trial training sessions at local clubs, and paying his club fees \
                           for the first 3 months from the youth project's hardship fund.",
                    who: YOUTH_WORKER,
                    times: 1,
                    per: Per::Week,
                    minutes: 90,
                    from: date!(2026 - 11 - 23),
                    until: date!(2027 - 01 - 31),
                    resources: "Youth worker time; club fees of £15 a month.",
                    weekly_cost_pence: 350,
                    funding: Funding::Other,
                    outcomes: &["g_football"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Referral to the young people's counselling service (weekly sessions at the youth \
                           project building, not at school), and going with Kai to his first appointment.",
                    who: YOUTH_WORKER,
                    times: 1,
                    per: Per::Week,
                    minutes: 50,
                    from: date!(2026 - 12 - 01),
                    until: easter,
                    resources: "Counselling sessions from the NHS-funded young people's counselling service.",
                    weekly_cost_pence: 4_000,
                    funding: Funding::Health,
                    outcomes: &["g_counselling"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Phones on charge in the kitchen from 10.30pm on school nights; signing Kai's report \
                           card every evening.",
                    who: NICOLA,
                    times: 1,
                    per: Per::SchoolDay,
                    minutes: 5,
                    from: date!(2026 - 11 - 23),
                    until: half_term,
                    resources: "A phone charger in the kitchen.",
                    weekly_cost_pence: 0,
                    funding: Funding::Other,
                    outcomes: &["g_sleep", "g_school"],
                    added_by: None,
                },
            ],
            ..Default::default()
        },
        agreed: None,
    }
}
