//! Leo Martin, 8, in Year 4 at Brookfield Primary School: his My Support
//! Plan (MSP), written with him and his parents by Priya Shah, SENCO. The
//! speech and language therapist, Dr Tom Price, adds the therapy he
//! delivers himself.

use goldthread_domain::content::{Consent, HealthProfessional, OtherPlanKind, StrengthSetting::*};

use super::*;

const PRIYA: &str = "priya.shah@example.org";
const TOM: &str = "tom.price@example.org";

const LEO: &str = "Leo Martin";
const CLAIRE: &str = "Claire Martin";
const DAVID: &str = "David Martin";
const SENCO: &str = "Priya Shah";
const TEACHER: &str = "Mrs Jones";
const TA: &str = "Amy Clarke";
const SALT: &str = "Dr Tom Price";
const FAMILY_SUPPORT: &str = "Jo Fletcher";

pub(super) fn plan() -> DemoPlan {
    let start = date!(2026 - 09 - 07);
    let end_of_year = date!(2027 - 07 - 16);
    DemoPlan {
        author: PRIYA,
        person: PersonInput {
            given_name: Some("Leo".into()),
            family_name: Some("Martin".into()),
            date_of_birth: Some("2018-03-14".into()),
            setting: Some("Brookfield Primary School".into()),
            communication: Some(
                "Short, clear sentences and pictures; give him time to answer. Ear defenders help in busy rooms."
                    .into(),
            ),
            presenting_information: Some("A visual timetable and two choices at a time.".into()),
            ..Default::default()
        },
        plan_type: "MSP",
        title: "Leo's My Support Plan",
        start,
        review_interval_weeks: None,
        parties: vec![
            party(LEO, "person", None, None),
            party(CLAIRE, "parent_carer", None, Some("Mum")).contact("07700 900412 (text first)"),
            party(DAVID, "parent_carer", None, Some("Dad")).contact("07700 900413"),
            party(SENCO, "senco", Some("Brookfield Primary School"), None)
                .user(PRIYA)
                .lead(),
            party(
                TEACHER,
                "teacher",
                Some("Brookfield Primary School"),
                Some("Class teacher"),
            ),
            party(
                SALT,
                "health_professional",
                Some("Northfield NHS Trust – speech and language therapy"),
                None,
            )
            .user(TOM),
            party(TA, "teaching_assistant", Some("Brookfield Primary School"), None),
            party(
                FAMILY_SUPPORT,
                "family_support_worker",
                Some("Early Help family support"),
                Some("Lead Professional for the family's TAF plan"),
            ),
        ],
        content: Content {
            texts: vec![
                texts(
                    "profile",
                    Some(WrittenBy::MeWithHelp),
                    Some("Miss Clarke, my teaching assistant, and my mum"),
                    &[
                        (
                            "communication",
                            "I talk best when it is quiet and someone asks me one question at a time. I need time to \
                             think before I answer, so please count to ten in your head. Pictures and my visual \
                             timetable help me know what is happening. When I am upset I can't find my words, so I \
                             point to my feelings scale or show my help card.",
                        ),
                        (
                            "presenting_information",
                            "Show me two choices at a time, with pictures. Tell me about changes before they happen \
                             and put them on my timetable. Give me one instruction at a time, and let me write or \
                             draw my answer if talking is hard.",
                        ),
                        (
                            "admire",
                            "People say I am kind, honest and funny. I know lots about trains and I like teaching \
                             grown-ups about them. I am good at maths and I never forget a fact. I am gentle with \
                             younger children.",
                        ),
                    ],
                ),
                texts(
                    "profile_now",
                    None,
                    None,
                    &[
                        (
                            "important_to_me",
                            "My trains and my train books. Knowing what is happening next. My ear defenders. Mum, \
                             Dad and our cat Pepper. Swimming on Saturdays. Sitting at the end of the table at \
                             lunch.",
                        ),
                        (
                            "not_working",
                            "The dinner hall and assemblies are too loud. When plans change and nobody tells me, I \
                             get upset. When I am stuck I don't know how to ask, so I hide under the table. Group \
                             work is hard because everyone talks at once.",
                        ),
                        (
                            "make_better",
                            "A warning before we change what we are doing. A quiet place to go when it is too much. \
                             Someone to help me ask for help. Doing my sensory circuit before lessons.",
                        ),
                    ],
                ),
                texts(
                    "story",
                    Some(WrittenBy::MyParent),
                    None,
                    &[
                        (
                            "story_growing_up",
                            "Leo was a happy, busy toddler who lined up his toy trains for hours. He spoke his first \
                             words late and had speech therapy at nursery. He was diagnosed as autistic in March \
                             2024, when he was 6, after an assessment by the community paediatrician. Reception \
                             and Year 1 were hard because of the noise, but he settled better in Year 2 once he had \
                             a visual timetable. Year 3 went well until the summer term, when his class moved \
                             rooms and he started hiding under the table again.",
                        ),
                        (
                            "people_helping",
                            "Mrs Jones (class teacher), Miss Clarke (teaching assistant), Mrs Shah (SENCO), Dr Tom \
                             Price (speech and language therapist), Dr Hall (community paediatrician), Jo Fletcher \
                             (family support worker, Early Help) and Grandma, who collects him on Wednesdays.",
                        ),
                        (
                            "feelings_school_home",
                            "Leo says school is \"OK but loud\". He holds things together at school and often \
                             melts down when he gets home: crying, shouting or hiding under his duvet for up to an \
                             hour. He is calmer on days when he has done his sensory circuit and has been warned \
                             about changes.",
                        ),
                        (
                            "other_about_me",
                            "Leo does not like being touched without warning and finds labels in clothes itchy. He \
                             eats a small range of foods (pasta, toast, apples, chicken). He is very honest and \
                             gets upset if he thinks something is unfair.",
                        ),
                    ],
                ),
                texts(
                    "family",
                    Some(WrittenBy::MyParent),
                    None,
                    &[
                        (
                            "family_home",
                            "Leo lives with his mum Claire, his dad David and their cat Pepper. Grandma lives five \
                             minutes away and has Leo after school on Wednesdays. His cousin Sam (11) is his \
                             favourite person and shares his love of trains.",
                        ),
                        (
                            "community_connections",
                            "Leo swims at the leisure centre on Saturday mornings and goes to the monthly \
                             autism-friendly film showing at the local cinema. The family visit the heritage \
                             railway in most school holidays.",
                        ),
                        (
                            "appointment_barriers",
                            "David works shifts and Claire works Monday to Wednesday, so Thursdays, Fridays or \
                             after 3.30pm are easiest. Leo finds waiting rooms hard: the first appointment of the \
                             day works best.",
                        ),
                        (
                            "other_about_family",
                            "Claire and David prefer a text message or a letter in Leo's book bag to e-mail. \
                             David finds long documents hard to read on his phone; a short summary helps.",
                        ),
                    ],
                ),
                texts(
                    "parents_views",
                    Some(WrittenBy::MyParent),
                    None,
                    &[
                        (
                            "parent_important",
                            "That Leo feels safe and understood at school, and that the adults know the signs that \
                             he is getting overwhelmed (humming, covering his ears, pacing). That he has at least \
                             one friend to play with.",
                        ),
                        (
                            "parent_not_working",
                            "Leo is exhausted after school and has a meltdown most evenings. He doesn't tell us \
                             when something has gone wrong, so we find out days later. Bedtime can take two hours \
                             and he is often awake after 10pm.",
                        ),
                        (
                            "parent_make_better",
                            "Warnings before changes, a quiet space at lunchtime, and a way for him to ask for help \
                             without having to speak. A home–school book so we know how his day went. Help with \
                             bedtimes, which the family support worker has started.",
                        ),
                    ],
                ),
            ],
            strengths: vec![
                (
                    InSetting,
                    "An excellent memory for facts: he knows the routes and timetables of every train in the region",
                ),
                (
                    InSetting,
                    "Good at maths, especially number patterns and times tables; working at the expected standard",
                ),
                (
                    InSetting,
                    "Follows the class routine well when he knows what is coming next",
                ),
                (InSetting, "Careful, neat handwriting when he has time to finish"),
                (OutOfSetting, "Builds detailed model railways with his dad"),
                (
                    OutOfSetting,
                    "A confident swimmer: swims 25 metres on Saturday mornings",
                ),
                (General, "Kind and honest; gentle with younger children and animals"),
            ],
            needs: vec![
                need(
                    "asking_help",
                    "communication_interaction",
                    "Leo understands short, clear instructions but finds it hard to ask for help or to say what has \
                     gone wrong. When he is stuck he goes quiet, leaves his seat or hides under the table. His \
                     speech and language assessment (October 2025) found his expressive language about 18 months \
                     behind his understanding.",
                ),
                need(
                    "group_work",
                    "communication_interaction",
                    "Leo finds it hard to join in group work and conversations with classmates: he talks about \
                     trains rather than the task and finds taking turns difficult.",
                ),
                need(
                    "new_learning",
                    "cognition_learning",
                    "Leo is working at the expected standard in maths and just below it in writing. He needs \
                     instructions broken into steps and new words taught before a topic starts.",
                ),
                need(
                    "changes",
                    "social_emotional",
                    "Leo becomes anxious at changes of activity and unexpected changes to the timetable. When \
                     overwhelmed he hides or leaves the classroom (about 3 times a week in the summer term 2026).",
                ),
                need(
                    "noise",
                    "sensory_physical",
                    "Leo is very sensitive to noise: the hall, the dinner hall and assemblies overwhelm him. He is \
                     calmer with ear defenders and movement breaks.",
                ),
                need(
                    "transitions",
                    "preparing_for_adulthood",
                    "Leo will need careful preparation for the move to Year 5 and, later, to secondary school: \
                     visits, photographs and a transition book.",
                ),
                need(
                    "sleep",
                    "health",
                    "Leo finds it hard to get to sleep and is often awake after 10pm, so he is tired in the \
                     mornings and finds the start of the school day harder. The community paediatrician is \
                     monitoring his sleep.",
                ),
                need(
                    "evenings",
                    "social_care",
                    "Claire and David need support with evening routines and Leo's after-school meltdowns; a Team \
                     Around the Family plan (June 2026) is in place and is reviewed with this plan.",
                ),
            ],
            aspirations: vec![
                mine(
                    "ask_help",
                    Term::Short,
                    "I want to be able to ask for help when I am stuck, so I don't get cross.",
                ),
                mine(
                    "museum_trip",
                    Term::Short,
                    "I want to go on the class trip to the railway museum in the summer.",
                ),
                mine(
                    "trains",
                    Term::Long,
                    "When I grow up I want to drive trains or design them.",
                ),
                mine(
                    "friend",
                    Term::Long,
                    "I want to have a best friend who likes trains too.",
                ),
                parents(
                    "happy_safe",
                    Term::Short,
                    "We want Leo to feel happy and safe at school and to come home less exhausted.",
                ),
                parents(
                    "sleep_better",
                    Term::Short,
                    "We want Leo to sleep better so that mornings are calmer for the whole family.",
                ),
                parents(
                    "independent",
                    Term::Long,
                    "We want Leo to have friends, to be as independent as he can be, and to find work he loves – \
                     perhaps with trains.",
                ),
            ],
            outcomes: vec![
                OutcomeData {
                    key: "o_help",
                    text: "By the end of key stage 2, Leo will be able to ask an adult or a classmate for help \
                           when he is stuck, using words or his help card, at least 4 times out of 5, as recorded \
                           by his teaching assistant.",
                    by_when: Some(date!(2029 - 07 - 20)),
                    stage: Some("End of key stage 2"),
                    areas: &["communication_interaction", "cognition_learning"],
                    needs: &["asking_help", "new_learning"],
                    aspirations: &["ask_help", "happy_safe"],
                    supported_by: supported_by(true, true, false),
                    measure: None,
                    steps: vec![
                        step(
                            "By the end of Year 4, Leo will use his help card to show an adult he is stuck in at \
                             least 4 out of 5 English and maths lessons, as recorded on the teaching assistant's \
                             tally sheet.",
                            Some(Service::Education),
                            &[
                                (
                                    "By the end of the autumn term, Leo will put his help card on his desk when \
                                     he is stuck in at least 3 out of 5 maths lessons a week, as recorded on the \
                                     tally sheet.",
                                    date!(2026 - 12 - 18),
                                ),
                                (
                                    "By February half-term, Leo will use his help card without a prompt in at \
                                     least 3 out of 5 English lessons a week, as recorded on the tally sheet.",
                                    date!(2027 - 02 - 12),
                                ),
                            ],
                        ),
                        step(
                            "By the end of Year 4, Leo will say \"Can you help me with …?\" in a whole sentence in \
                             at least 4 out of 5 practice tasks in his speech and language sessions, as recorded \
                             in the therapy notes.",
                            Some(Service::Health),
                            &[(
                                "By 31 March 2027, Leo will use the sentence starter \"Can you help me with …?\" \
                                 in at least 3 out of 5 tasks in his fortnightly therapy sessions, as recorded in \
                                 the therapy notes.",
                                date!(2027 - 03 - 31),
                            )],
                        ),
                    ],
                },
                OutcomeData {
                    key: "o_changes",
                    text: "By the end of key stage 2, Leo will manage changes of activity and room calmly, without \
                           leaving the room or hiding, at least 9 times out of 10, using his visual timetable and \
                           ear defenders, as recorded on the class transition log.",
                    by_when: Some(date!(2029 - 07 - 20)),
                    stage: Some("End of key stage 2"),
                    areas: &["social_emotional", "sensory_physical", "preparing_for_adulthood"],
                    needs: &["changes", "noise", "transitions"],
                    aspirations: &["museum_trip", "happy_safe"],
                    supported_by: supported_by(true, false, false),
                    measure: None,
                    steps: vec![
                        step(
                            "By the end of Year 4, Leo will walk into class and sit at his table calmly after \
                             break and lunch on at least 8 out of 10 days, as recorded on the transition log.",
                            Some(Service::Education),
                            &[
                                (
                                    "By the end of the autumn term, Leo will line up and walk into class after \
                                     morning break, with a 1-minute warning, on at least 3 days a week, as \
                                     recorded on the transition log.",
                                    date!(2026 - 12 - 18),
                                ),
                                (
                                    "By 26 March 2027, Leo will check his visual timetable and move to the next \
                                     activity within 2 minutes of the sand timer ending on at least 4 out of 5 \
                                     changes a day, as recorded by his teaching assistant.",
                                    date!(2027 - 03 - 26),
                                ),
                            ],
                        ),
                        step(
                            "By the end of Year 4, Leo will choose a calming strategy himself (ear defenders, the \
                             quiet corner or a train book) when his feelings scale reaches 4 or 5, on at least 3 \
                             out of 4 occasions, as recorded on his feelings chart.",
                            Some(Service::Education),
                            &[
                                (
                                    "By the end of the autumn term, Leo will point to a number on his 1–5 \
                                     feelings scale at the 2 daily check-ins on at least 8 out of 10 occasions, \
                                     as recorded on his feelings chart.",
                                    date!(2026 - 12 - 18),
                                ),
                                (
                                    "By 21 May 2027, Leo will put on his ear defenders himself before assembly \
                                     on at least 4 out of 5 days, as recorded on his feelings chart.",
                                    date!(2027 - 05 - 21),
                                ),
                            ],
                        ),
                    ],
                },
                OutcomeData {
                    key: "o_groups",
                    text: "By the end of key stage 2, Leo will take part in a group task with 2 or 3 classmates \
                           for 20 minutes, taking turns and sharing ideas, in at least 3 out of 4 group lessons, as \
                           observed by his class teacher.",
                    by_when: Some(date!(2029 - 07 - 20)),
                    stage: Some("End of key stage 2"),
                    areas: &["communication_interaction", "social_emotional"],
                    needs: &["group_work"],
                    aspirations: &["friend", "independent"],
                    supported_by: supported_by(true, true, false),
                    measure: None,
                    steps: vec![step(
                        "By the end of Year 4, Leo will take turns in a Lego group with 2 classmates for 15 \
                         minutes in both weekly sessions, as recorded in the group log.",
                        Some(Service::Education),
                        &[
                            (
                                "By the end of the autumn term, Leo will wait for his turn and pass a piece to a \
                                 partner at least 5 times in each 30-minute Lego session, as recorded in the \
                                 group log.",
                                date!(2026 - 12 - 18),
                            ),
                            (
                                "By 26 March 2027, Leo will ask a classmate for a piece he needs, rather than \
                                 taking it, in at least 4 out of 5 requests in the Lego group, as recorded in \
                                 the group log.",
                                date!(2027 - 03 - 26),
                            ),
                        ],
                    )],
                },
                OutcomeData {
                    key: "o_sleep",
                    text: "By the end of Year 4, Leo will be asleep by 8.30pm on at least 5 nights a week, as \
                           recorded in the family's sleep diary, so that he arrives at school rested.",
                    by_when: Some(end_of_year),
                    stage: Some("End of Year 4"),
                    areas: &["health", "social_care"],
                    needs: &["sleep", "evenings"],
                    aspirations: &["sleep_better", "happy_safe"],
                    supported_by: supported_by(false, true, true),
                    measure: None,
                    steps: vec![step(
                        "By Easter 2027, Leo will follow his picture bedtime routine (bath, pyjamas, train story, \
                         lights out) with no more than 1 reminder on at least 4 nights a week, as recorded in the \
                         sleep diary.",
                        Some(Service::SocialCare),
                        &[
                            (
                                "By the end of the autumn term, Leo will turn off his tablet when the 10-minute \
                                 timer ends on at least 4 nights a week, as recorded in the sleep diary.",
                                date!(2026 - 12 - 18),
                            ),
                            (
                                "By 26 February 2027, Leo will be in bed by 8pm on at least 4 nights a week, as \
                                 recorded in the sleep diary.",
                                date!(2027 - 02 - 26),
                            ),
                        ],
                    )],
                },
            ],
            provision: vec![
                ProvisionData {
                    what: "Teaching assistant support in English and maths lessons, in class and in a small \
                           group: new words taught before each topic, a \"now and next\" board, tasks broken into \
                           steps and prompts to use his help card.",
                    who: TA,
                    times: 1,
                    per: Per::SchoolDay,
                    minutes: 60,
                    from: start,
                    until: end_of_year,
                    resources: "Teaching assistant time (5 hours a week); help card, visual timetable and \
                                \"now and next\" board.",
                    weekly_cost_pence: 9_500,
                    funding: Funding::Education,
                    outcomes: &["o_help", "o_changes"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Speech and language therapy in school: asking for help and explaining what has gone \
                           wrong, with a programme sheet for the teaching assistant to practise between \
                           sessions.",
                    who: SALT,
                    times: 1,
                    per: Per::Fortnight,
                    minutes: 45,
                    from: date!(2026 - 09 - 14),
                    until: end_of_year,
                    resources: "Therapist time in school; programme sheets and symbol cards for the teaching \
                                assistant.",
                    weekly_cost_pence: 2_400,
                    funding: Funding::Health,
                    outcomes: &["o_help", "o_groups"],
                    added_by: Some(TOM),
                },
                ProvisionData {
                    what: "Sensory circuit before lessons (alerting, organising and calming activities) so that \
                           Leo starts the day calm and ready to learn.",
                    who: TA,
                    times: 3,
                    per: Per::Week,
                    minutes: 20,
                    from: start,
                    until: end_of_year,
                    resources: "Hall space before school; trampette, balance beam, weighted lap pad; teaching \
                                assistant time (1 hour a week).",
                    weekly_cost_pence: 1_900,
                    funding: Funding::Education,
                    outcomes: &["o_changes"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Warnings before every change of activity (5 minutes and 1 minute, with a sand timer), \
                           and changes to the day shown on Leo's visual timetable first thing each morning.",
                    who: TEACHER,
                    times: 1,
                    per: Per::SchoolDay,
                    minutes: 10,
                    from: start,
                    until: end_of_year,
                    resources: "Class teacher time; sand timer and visual timetable from school resources.",
                    weekly_cost_pence: 2_500,
                    funding: Funding::Education,
                    outcomes: &["o_changes"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Lego-based social communication group with two classmates: taking turns, asking for \
                           pieces and solving a building problem together.",
                    who: TA,
                    times: 2,
                    per: Per::Week,
                    minutes: 30,
                    from: date!(2026 - 09 - 21),
                    until: end_of_year,
                    resources: "Teaching assistant time (1 hour a week); Lego sets and role cards.",
                    weekly_cost_pence: 1_900,
                    funding: Funding::Education,
                    outcomes: &["o_groups"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Weekly check-in with the SENCO: Leo's feelings chart and tally sheet, his targets in \
                           pictures, and a note home in the home–school book.",
                    who: SENCO,
                    times: 1,
                    per: Per::Week,
                    minutes: 20,
                    from: start,
                    until: end_of_year,
                    resources: "SENCO time; feelings chart, home–school book.",
                    weekly_cost_pence: 1_200,
                    funding: Funding::Education,
                    outcomes: &["o_help", "o_changes", "o_groups"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Home visits to help Claire and David set up a calm bedtime routine (picture routine, \
                           tablet timer, sleep diary), as agreed in the family's TAF plan.",
                    who: FAMILY_SUPPORT,
                    times: 1,
                    per: Per::Fortnight,
                    minutes: 60,
                    from: date!(2026 - 09 - 14),
                    until: date!(2027 - 03 - 31),
                    resources: "Family support worker time; picture bedtime routine and sleep diary.",
                    weekly_cost_pence: 1_750,
                    funding: Funding::SocialCare,
                    outcomes: &["o_sleep"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Reading and writing in the home–school book every day, and using the same help card \
                           and bedtime routine at home as at school.",
                    who: CLAIRE,
                    times: 1,
                    per: Per::Day,
                    minutes: 15,
                    from: start,
                    until: end_of_year,
                    resources: "Home–school book; a copy of the help card and the picture bedtime routine.",
                    weekly_cost_pence: 0,
                    funding: Funding::Other,
                    outcomes: &["o_help", "o_sleep"],
                    added_by: None,
                },
            ],
            other_plans: vec![OtherPlan {
                kind: OtherPlanKind::Taf,
                consent: Some(Consent {
                    given_by: "Claire Martin (Mum)".into(),
                    date: start,
                }),
                notes: Some(
                    "TAF plan since June 2026 for evening routines and sleep; Lead Professional Jo Fletcher \
                     (Early Help). Its sleep outcome is shared with outcome 4 of this plan and the two plans are \
                     reviewed together."
                        .into(),
                ),
            }],
            social_care_checklist: Some(SocialCareChecklist {
                esa_or_taf_in_place: Some(true),
                may_benefit_from_early_support: None,
                notes: Some(
                    "A TAF plan has been in place since June 2026 (Lead Professional Jo Fletcher, Early Help). \
                     Claire and David agreed on 7 September 2026 that its sleep and evening-routine outcomes are \
                     used in this plan. The TAF is reviewed every six weeks; the MSP reviews will be held at the \
                     same meetings. Discussed with the school's Designated Safeguarding Lead."
                        .into(),
                ),
            }),
            health_checklist: Some(HealthChecklist {
                professionals: vec![
                    HealthProfessional::SpeechAndLanguageTherapist,
                    HealthProfessional::Paediatrician,
                    HealthProfessional::Gp,
                ],
                other: None,
                health_care_plan: Some(false),
                may_need_health_care_plan: Some(false),
                therapist_involved: Some(true),
                may_benefit_from_referral: Some(true),
                actions_summary: Some(
                    "Dr Tom Price (SALT) agreed the steps for outcomes 1 and 3 with school and the family at the \
                     planning meeting on 7 September 2026 and delivers fortnightly sessions in school. With \
                     Claire's consent, Leo was referred to the children's occupational therapy service for a \
                     sensory assessment on 21 September 2026. The paediatrician's sleep review letter is in the \
                     appendices; no Health Care Plan is needed."
                        .into(),
                ),
                date: Some(date!(2026 - 09 - 21)),
                signed: Some("Priya Shah, SENCO".into()),
            }),
            appendices: vec![
                (
                    "family",
                    "\"All about me\" booklet, written by Leo with Claire and David",
                    date!(2026 - 07 - 10),
                ),
                (
                    "education",
                    "My Support Plan planning meeting notes",
                    date!(2026 - 09 - 07),
                ),
                (
                    "education",
                    "Class transition log, summer term 2026",
                    date!(2026 - 07 - 17),
                ),
                (
                    "health",
                    "Speech and language therapy assessment report (Dr Tom Price)",
                    date!(2025 - 10 - 15),
                ),
                (
                    "health",
                    "Community paediatrician's diagnosis letter (autism)",
                    date!(2024 - 03 - 20),
                ),
                (
                    "health",
                    "Community paediatrician's sleep review letter",
                    date!(2026 - 06 - 12),
                ),
                (
                    "social_care",
                    "Team Around the Family plan, latest review",
                    date!(2026 - 07 - 15),
                ),
            ],
            ..Default::default()
        },
        agreed: Some("Everyone involved agreed the plan at the planning meeting"),
    }
}
