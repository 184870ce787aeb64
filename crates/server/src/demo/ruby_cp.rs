//! Ruby Campbell, 4, at nursery in Scotland in her pre-school year: her
//! Child's Plan (GIRFEC), coordinated by Hannah Reid as Lead Professional
//! with the health visitor (her Named Person), the nursery and a family
//! support worker. There are no compulsory measures.

use super::*;

const HANNAH_USER: &str = "hannah.reid@example.org";

const RUBY: &str = "Ruby Campbell";
const MORAG: &str = "Morag Campbell";
const HANNAH: &str = "Hannah Reid";
const HEALTH_VISITOR: &str = "Health visitor";
const KEY_PERSON: &str = "Nursery key person";
const FAMILY_SUPPORT: &str = "Family support worker";

pub(super) fn plan() -> DemoPlan {
    let start = date!(2026 - 08 - 18);
    let school = date!(2027 - 06 - 25);
    DemoPlan {
        author: HANNAH_USER,
        person: PersonInput {
            given_name: Some("Ruby".into()),
            family_name: Some("Campbell".into()),
            date_of_birth: Some("2022-06-30".into()),
            setting: Some("Wee Acorns Nursery".into()),
            ..Default::default()
        },
        plan_type: "CP",
        title: "Ruby's Child's Plan",
        start,
        review_interval_weeks: Some(12),
        parties: vec![
            party(RUBY, "person", None, None),
            party(MORAG, "parent_carer", None, Some("Mum")),
            party(HANNAH, "social_worker", Some("Children and Families Social Work"), None)
                .user(HANNAH_USER)
                .lead(),
            party(
                HEALTH_VISITOR,
                "named_person",
                Some("NHS health visiting"),
                Some("Health visitor"),
            ),
            party(KEY_PERSON, "teacher", Some("Wee Acorns Nursery"), None),
            party(
                FAMILY_SUPPORT,
                "voluntary_organisation",
                Some("Family Support Scotland"),
                None,
            ),
        ],
        content: Content {
            texts: vec![
                texts(
                    "reasons",
                    None,
                    None,
                    &[(
                        "reasons_for_plan",
                        "Ruby is a lively, affectionate four-year-old who loves the sand tray, the park and her \
                         teddy, Bun. Her speech is delayed: she uses two- and three-word phrases and unfamiliar \
                         adults find her hard to understand. She went to only 58% of her nursery sessions last \
                         term, so she is missing play and talk with other children in the year before she starts \
                         school (August 2027). Her mum Morag, a single parent, has had low mood since Ruby's dad \
                         left early in 2026, and the family lived in temporary accommodation until June 2026; they \
                         do not yet know anyone in their new area. The health visitor (Ruby's Named Person) and the \
                         nursery asked for a child planning meeting, which agreed on 11 August 2026 that the help \
                         Ruby needs from health, nursery, social work and the family support service should be \
                         coordinated in a Child's Plan, with Hannah Reid as Lead Professional. There are no child \
                         protection concerns, and Morag agreed to the plan.",
                    )],
                ),
                texts(
                    "views",
                    None,
                    None,
                    &[
                        (
                            "views_child",
                            "Ruby told her key person, using pictures, that she likes the sand tray, her teddy \
                             Bun, and going to the swings with Mum. She doesn't like it \"when it's shouty\" at \
                             snack time. She would like Mum to come to nursery for stay and play.",
                        ),
                        (
                            "views_parents",
                            "Morag wants Ruby to be ready for school next August and to talk more clearly \"so \
                             people understand her\". She would like help getting Ruby to nursery in the \
                             mornings, which is hard on days when she feels low, and she would like to meet \
                             other mums. She does not want lots of different workers coming to the house and \
                             prefers one person she knows; she is happy for the health visitor and the family \
                             support worker to visit.",
                        ),
                    ],
                ),
                texts(
                    "contingency",
                    None,
                    None,
                    &[(
                        "contingency",
                        "If Ruby's attendance falls below 70% for 2 weeks in a row, or Morag's mood gets worse, \
                         the nursery or the family support worker tells Hannah the same day, and Hannah calls an \
                         early child planning meeting within 10 working days. If Morag is unwell, Ruby's gran, \
                         Isla Campbell, can take Ruby to nursery, and the family support worker can visit every \
                         morning for up to 2 weeks. If the family has to move again, Hannah makes sure Ruby keeps \
                         her nursery place. If any partner were ever worried about Ruby's safety, they would \
                         follow child protection procedures and tell the Named Person and the Lead Professional \
                         straight away.",
                    )],
                ),
            ],
            needs: vec![
                need(
                    "speech",
                    "healthy",
                    "Ruby's speech and language are delayed: she uses 2–3 word phrases and unfamiliar adults find \
                     her hard to understand. She was referred to speech and language therapy in August 2026 and is \
                     on the waiting list.",
                ),
                need(
                    "immunisations",
                    "healthy",
                    "Ruby's pre-school immunisations are overdue.",
                ),
                need(
                    "attendance",
                    "achieving",
                    "Ruby attended 58% of her nursery sessions last term, missing play and talk with other \
                     children in her year before school.",
                ),
                need(
                    "mornings",
                    "nurtured",
                    "Morag finds mornings hard when her mood is low; Ruby needs a settled morning routine and \
                     Morag needs support as her parent.",
                ),
                need(
                    "isolation",
                    "included",
                    "The family is new to the area and does not know other families or local groups.",
                ),
                need(
                    "home_safety",
                    "safe",
                    "The new flat has no window restrictors and needs a stair gate at the steps to the back \
                     green.",
                ),
            ],
            outcomes: vec![
                OutcomeData {
                    key: "o_nursery",
                    text: "Ruby will go to at least 8 of her 10 nursery sessions every fortnight by 12 February \
                           2027, so she can play and talk with other children every day.",
                    by_when: Some(date!(2027 - 02 - 12)),
                    stage: None,
                    areas: &["achieving", "included"],
                    needs: &["attendance", "mornings"],
                    aspirations: &[],
                    supported_by: supported_by(true, false, true),
                    measure: Some(
                        "The nursery register, shared at each child planning meeting: attendance rises from 58% \
                         to at least 80%.",
                    ),
                    steps: vec![step(
                        "By 18 December 2026, Morag and Ruby will follow a picture morning routine and leave home \
                         by 8.40am on at least 3 mornings a week, as recorded on the family's routine chart.",
                        Some(Service::SocialCare),
                        &[
                            (
                                "By 4 December 2026, Morag will use the picture routine chart on at least 3 \
                                 mornings a week, as recorded on the chart.",
                                date!(2026 - 12 - 04),
                            ),
                            (
                                "By 29 January 2027, Ruby will arrive at nursery by 9am on at least 4 days a \
                                 week, as shown by the nursery register.",
                                date!(2027 - 01 - 29),
                            ),
                        ],
                    )],
                },
                OutcomeData {
                    key: "o_talking",
                    text: "By 25 June 2027, before she starts P1, Ruby will use sentences of 4 or more words to \
                           ask for what she wants at nursery in at least 3 out of 5 observed conversations.",
                    by_when: Some(school),
                    stage: Some("Before she starts P1"),
                    areas: &["healthy", "achieving"],
                    needs: &["speech"],
                    aspirations: &[],
                    supported_by: supported_by(true, true, false),
                    measure: Some(
                        "Her key person's observations in Ruby's learning journal and the speech and language \
                         therapist's review.",
                    ),
                    steps: vec![
                        step(
                            "By 26 March 2027, Ruby will use 3-word phrases to ask for toys and snack in at least \
                             3 out of 5 requests, as recorded in her learning journal.",
                            Some(Service::Education),
                            &[
                                (
                                    "By 18 December 2026, Ruby will choose her snack by saying 2 words (\"apple \
                                     please\") on at least 3 days a week, as recorded by her key person.",
                                    date!(2026 - 12 - 18),
                                ),
                                (
                                    "By 26 February 2027, Ruby will join the talking table group twice a week for \
                                     8 weeks, as recorded in her learning journal.",
                                    date!(2027 - 02 - 26),
                                ),
                            ],
                        ),
                        step(
                            "By 30 April 2027, Ruby will have had her speech and language assessment, and Morag \
                             will use 2 of the therapist's ideas at home every day, as recorded in the \
                             home–nursery diary.",
                            Some(Service::Health),
                            &[(
                                "By 29 January 2027, Morag will book and attend Ruby's appointment with the \
                                 speech and language therapist, as confirmed by the therapy service.",
                                date!(2027 - 01 - 29),
                            )],
                        ),
                    ],
                },
                OutcomeData {
                    key: "o_morag",
                    text: "By 30 April 2027, Morag will rate her mood at 6 or more out of 10 at 3 of 4 weekly \
                           check-ins, and she and Ruby will go to a parent-and-child group once a week.",
                    by_when: Some(date!(2027 - 04 - 30)),
                    stage: None,
                    areas: &["nurtured", "included"],
                    needs: &["mornings", "isolation"],
                    aspirations: &[],
                    supported_by: supported_by(false, true, true),
                    measure: Some(
                        "Morag's own weekly 0–10 rating with the family support worker, and her attendance at the \
                         stay-and-play group.",
                    ),
                    steps: vec![step(
                        "By 29 January 2027, Morag will attend a GP appointment about her low mood, as \
                         recorded in the family support worker's notes.",
                        Some(Service::Health),
                        &[
                            (
                                "By 11 December 2026, Morag will book a GP appointment with the family support \
                                 worker's help, as recorded in the worker's notes.",
                                date!(2026 - 12 - 11),
                            ),
                            (
                                "By 29 January 2027, Morag and Ruby will go to the Thursday stay-and-play group \
                                 at least 3 times, as recorded by the family support worker.",
                                date!(2027 - 01 - 29),
                            ),
                        ],
                    )],
                },
                OutcomeData {
                    key: "o_safe",
                    text: "By 18 December 2026, Morag will take Ruby to her pre-school immunisation appointment and \
                           have 2 window restrictors and a stair gate fitted at home, as checked by the health \
                           visitor.",
                    by_when: Some(date!(2026 - 12 - 18)),
                    stage: None,
                    areas: &["safe", "healthy"],
                    needs: &["home_safety", "immunisations"],
                    aspirations: &[],
                    supported_by: supported_by(false, true, true),
                    measure: Some("The health visitor's home visit and Ruby's immunisation record."),
                    steps: vec![step(
                        "By 11 December 2026, Morag will have applied to the home safety equipment scheme and \
                         booked Ruby's immunisations, as recorded in the health visitor's notes.",
                        Some(Service::Health),
                        &[(
                            "By 4 December 2026, Morag will book Ruby's immunisation appointment, as recorded in \
                             the health visitor's notes.",
                            date!(2026 - 12 - 04),
                        )],
                    )],
                },
            ],
            provision: vec![
                ProvisionData {
                    what: "Morning visits at home: a picture routine chart, getting ready together and walking \
                           Ruby to nursery.",
                    who: FAMILY_SUPPORT,
                    times: 2,
                    per: Per::Week,
                    minutes: 60,
                    from: date!(2026 - 09 - 01),
                    until: date!(2027 - 02 - 12),
                    resources: "Family support worker time; routine chart and picture cards.",
                    weekly_cost_pence: 4_500,
                    funding: Funding::SocialCare,
                    outcomes: &["o_nursery", "o_morag"],
                    added_by: None,
                },
                ProvisionData {
                    what: "At nursery: a quiet snack table and a visual timetable for Ruby, a warm welcome at the \
                           door, and a phone call to Morag by 10am if Ruby hasn't arrived.",
                    who: KEY_PERSON,
                    times: 1,
                    per: Per::SchoolDay,
                    minutes: 15,
                    from: start,
                    until: school,
                    resources: "Key person time, within Ruby's funded nursery place (1,140 hours a year); visual \
                                timetable.",
                    weekly_cost_pence: 1_500,
                    funding: Funding::Education,
                    outcomes: &["o_nursery", "o_talking"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Small-group talking table with her key person, using the speech and language \
                           therapist's advice.",
                    who: KEY_PERSON,
                    times: 2,
                    per: Per::Week,
                    minutes: 20,
                    from: date!(2026 - 11 - 02),
                    until: school,
                    resources: "Key person time; picture cards and puppets.",
                    weekly_cost_pence: 1_000,
                    funding: Funding::Education,
                    outcomes: &["o_talking"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Home visits by the health visitor (Named Person): Ruby's development, immunisations, \
                           home safety and Morag's wellbeing.",
                    who: HEALTH_VISITOR,
                    times: 1,
                    per: Per::Month,
                    minutes: 60,
                    from: start,
                    until: school,
                    resources: "Health visitor time; home safety equipment scheme referral.",
                    weekly_cost_pence: 1_200,
                    funding: Funding::Health,
                    outcomes: &["o_talking", "o_safe", "o_morag"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Lead Professional: coordinating the plan, chairing child planning meetings every 12 \
                           weeks and following up the action points; help with housing and benefits.",
                    who: HANNAH,
                    times: 1,
                    per: Per::Fortnight,
                    minutes: 60,
                    from: start,
                    until: school,
                    resources: "Social worker time.",
                    weekly_cost_pence: 2_000,
                    funding: Funding::SocialCare,
                    outcomes: &["o_nursery", "o_morag", "o_safe"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Going with Morag and Ruby to the Thursday stay-and-play group until Morag feels ready \
                           to go on her own.",
                    who: FAMILY_SUPPORT,
                    times: 1,
                    per: Per::Week,
                    minutes: 90,
                    from: date!(2026 - 11 - 05),
                    until: date!(2027 - 04 - 30),
                    resources: "Family support worker time; the group is free.",
                    weekly_cost_pence: 3_400,
                    funding: Funding::SocialCare,
                    outcomes: &["o_morag"],
                    added_by: None,
                },
                ProvisionData {
                    what: "A picture book with Ruby at bedtime, practising the talking table words from nursery.",
                    who: MORAG,
                    times: 1,
                    per: Per::Day,
                    minutes: 15,
                    from: date!(2026 - 11 - 02),
                    until: school,
                    resources: "Books from the nursery lending library.",
                    weekly_cost_pence: 0,
                    funding: Funding::Other,
                    outcomes: &["o_talking"],
                    added_by: None,
                },
            ],
            compulsory_measures: Some(CompulsoryMeasures {
                in_place: false,
                measure: None,
                made_by: None,
                date: None,
                review_date: None,
                details: Some(
                    "None. All support in this plan is voluntary and agreed with Morag; no referral to the \
                     Children's Reporter is needed."
                        .into(),
                ),
            }),
            ..Default::default()
        },
        agreed: Some("Everyone involved agreed the plan at the planning meeting"),
    }
}
