//! Jade Thompson, 19, a resident of Harbour House (supported housing for
//! 16–25-year-olds) since 5 October 2026, after leaving care: her support
//! plan with her key worker Sam Okafor, with a safety plan from the first
//! night and a move-on goal.

use goldthread_domain::content::StrengthSetting::General;

use super::*;

const SAM_USER: &str = "sam.okafor@example.org";

const JADE: &str = "Jade Thompson";
const SAM: &str = "Sam Okafor";
const ADVISER: &str = "Leaving care personal adviser";
const THERAPIST: &str = "Maya Collins";

pub(super) fn plan() -> DemoPlan {
    let start = date!(2026 - 10 - 05);
    let year = date!(2027 - 10 - 04);
    DemoPlan {
        author: SAM_USER,
        person: PersonInput {
            given_name: Some("Jade".into()),
            family_name: Some("Thompson".into()),
            date_of_birth: Some("2007-05-02".into()),
            setting: Some("Harbour House (supported housing, 12 beds)".into()),
            communication: Some(
                "Prefers to talk over a cup of tea rather than in the office; text reminders the day before.".into(),
            ),
            ..Default::default()
        },
        plan_type: "SH",
        title: "Jade's support plan",
        start,
        review_interval_weeks: None,
        parties: vec![
            party(JADE, "person", None, None),
            party(SAM, "key_worker", Some("Harbour House"), None)
                .user(SAM_USER)
                .lead(),
            party(ADVISER, "social_worker", Some("Leaving Care Team"), None),
            party(
                THERAPIST,
                "health_professional",
                Some("NHS Talking Therapies"),
                Some("Psychological wellbeing practitioner"),
            ),
        ],
        content: Content {
            texts: vec![
                texts(
                    "my_situation",
                    Some(WrittenBy::MeWithHelp),
                    Some("Sam, my key worker"),
                    &[
                        (
                            "current_situation",
                            "I moved into Harbour House on 5 October 2026. My foster placement ended when I turned \
                             18 and a flat share with a friend broke down this summer, and I left owing £420 in \
                             rent. I get Universal Credit. I'm not at college at the moment. My anxiety is worse at \
                             night and I have self-harmed in the past (the last time was in August 2026).",
                        ),
                        (
                            "important_to_me",
                            "Having my own space and a door that locks. My best friend Tasha. My cat Misty, who is \
                             staying with my old foster carer until I have my own flat. Getting back to college. \
                             Being treated like an adult.",
                        ),
                        (
                            "working",
                            "I like my room and the staff are kind. I'm talking to Sam more than I expected. I'm \
                             good at getting up in the morning and I keep my room clean. I go to all my Jobcentre \
                             appointments.",
                        ),
                        (
                            "not_working",
                            "Letters about money make me panic, so I don't open them. Nights are hard when I'm on \
                             my own. My mum cancels visits at the last minute and I feel rubbish for days after. I \
                             spend too much on takeaways when I'm stressed.",
                        ),
                    ],
                ),
                texts(
                    "moving_on",
                    Some(WrittenBy::MeWithHelp),
                    Some("Sam, my key worker"),
                    &[
                        (
                            "move_on",
                            "I want my own one-bedroom flat near Tasha in about a year, and to have Misty back. \
                             Before that I need to clear my arrears, show I can pay my service charge every week, \
                             learn to cook and budget, and get on the housing register. Sam will help me apply and \
                             book the pre-tenancy course; my personal adviser will help with the setting-up-home \
                             allowance. We'll talk about moving on at every formal review, not just at the end.",
                        ),
                        (
                            "expectations",
                            "I will meet Sam every week for my support session, keep to my licence agreement, and \
                             tell staff when I'm struggling. Staff will be there when they say they will, check my \
                             safety plan with me every week, and not make decisions about me without me. If I miss \
                             two sessions in a row, Sam will come and find me to talk about it.",
                        ),
                    ],
                ),
            ],
            risks: vec![
                RiskData {
                    risk: "Self-harm (cutting) when overwhelmed, especially at night. History since age 14; last \
                           incident August 2026 (from the leaving care referral).",
                    identified: RiskSource::Referral,
                    triggers: "Contact with her mum, especially cancelled visits; letters about money; being alone \
                               in her room late at night; the anniversary of her nan's death in March. Warning \
                               signs: staying in her room, not eating, long sleeves in warm weather, saying she is \
                               \"fine\" when asked twice.",
                    what_staff_do: "Check in with Jade face to face every evening at 9pm while she says she is on \
                                    amber; the night worker knocks at 11pm if Jade has asked. Go through her safety \
                                    card with her. If she has hurt herself, give first aid, call NHS 111 (or 999 if \
                                    the wound is serious) and tell the manager on call. Record on the incident log \
                                    and talk it through at the next weekly review, without judgement.",
                    what_i_do: "Use my safety card: text or knock for staff, hold ice, listen to my calm playlist, \
                                ring Tasha, or ring the helpline on my card. Keep my first-aid kit in my room and \
                                tell staff if I've used it. Tell Sam when a visit with Mum is coming up.",
                    contingency: "If Jade is at immediate risk or has taken an overdose, staff call 999 and stay \
                                  with her. If she doesn't answer her door when on amber, two staff go in with the \
                                  room key. The manager on call tells her personal adviser the next working day, \
                                  and the safety plan is reviewed with Jade within 48 hours of any incident.",
                },
                RiskData {
                    risk: "Losing her place through rent (service charge) arrears: £420 owed from her last \
                           tenancy, and a history of missed payments.",
                    identified: RiskSource::Assessment,
                    triggers: "Universal Credit payment delays or sanctions; spending on takeaways when anxious; \
                               unopened letters.",
                    what_staff_do: "Open post together with Jade at her weekly session; help her set up a £15-a-week \
                                    repayment plan and direct payment of her housing costs; check her rent account \
                                    at every weekly review.",
                    what_i_do: "Bring any letters about money to my key work session. Pay £15 off my arrears every \
                                Friday. Tell Sam straight away if my Universal Credit changes.",
                    contingency: "If a payment is missed, Sam and Jade agree a catch-up plan within 7 days, before \
                                  any warning letter. If the arrears go above £500, the scheme manager and her \
                                  personal adviser meet Jade to agree a plan so that no notice is served.",
                },
            ],
            strengths: vec![
                (
                    General,
                    "Determined: she has been to every Jobcentre appointment on time since she moved in",
                ),
                (General, "Good with people: younger residents come to her for advice"),
                (General, "Creative: draws, and does nails for friends"),
                (General, "Honest about how she is feeling once she trusts someone"),
                (General, "Gets up early and keeps her room clean and tidy"),
            ],
            needs: vec![
                need(
                    "arrears",
                    "money",
                    "£420 rent arrears from her last tenancy; Jade has never had a budget and finds opening letters \
                     about money frightening.",
                ),
                need(
                    "licence",
                    "housing",
                    "Jade needs to keep to her licence agreement (service charge paid, house rules kept) to show \
                     she is ready for her own tenancy, and to get on the housing register.",
                ),
                need(
                    "anxiety",
                    "emotional_wellbeing",
                    "Anxiety, worse at night and around contact with her mum; she has not had any talking therapy \
                     since leaving care.",
                ),
                need(
                    "self_harm",
                    "safety",
                    "A history of self-harm when overwhelmed: Jade needs a safety plan from the first night, \
                     checked every week.",
                ),
                need(
                    "gp",
                    "physical_health",
                    "Not yet registered with a GP since moving to the area, so she cannot get help with her \
                     anxiety or repeat prescriptions.",
                ),
                need(
                    "college",
                    "education_employment_training",
                    "Left college in 2025 after her placement moved; wants to go back to study health and social \
                     care.",
                ),
                need(
                    "cooking",
                    "independent_living",
                    "Has not cooked regularly or done a weekly shop on a budget on her own.",
                ),
                need(
                    "mum",
                    "relationships",
                    "Contact with her mum is unpredictable and often upsetting; Jade wants to decide for herself \
                     when and where she sees her.",
                ),
            ],
            aspirations: vec![
                mine(
                    "debt_free",
                    Term::Short,
                    "Clear my arrears and start saving, even a little.",
                ),
                mine(
                    "college_place",
                    Term::Short,
                    "Get a place at college to start in September 2027.",
                ),
                mine("feel_ok", Term::Short, "Feel OK at night and stop hurting myself."),
                mine("own_flat", Term::Long, "Have my own flat near Tasha, with Misty."),
                mine(
                    "nurse",
                    Term::Long,
                    "Work as a healthcare assistant and then train to be a nurse.",
                ),
            ],
            outcomes: vec![
                OutcomeData {
                    key: "g_arrears",
                    text: "By 30 April 2027, Jade will have cleared her £420 rent arrears by paying £15 every \
                           week, as shown on her rent account.",
                    by_when: Some(date!(2027 - 04 - 30)),
                    stage: None,
                    areas: &["money", "housing"],
                    needs: &["arrears", "licence"],
                    aspirations: &["debt_free", "own_flat"],
                    supported_by: supported_by(false, false, true),
                    measure: Some("Her rent account, checked with Jade at every weekly review."),
                    steps: vec![
                        step(
                            "By 18 December 2026, Jade will have signed a repayment plan of £15 a week and set up \
                             direct payment of her housing costs, as confirmed by the scheme's finance officer.",
                            None,
                            &[
                                (
                                    "By 11 December 2026, Jade will open all her post about money with Sam at 2 \
                                     weekly sessions in a row, as recorded on the weekly review.",
                                    date!(2026 - 12 - 11),
                                ),
                                (
                                    "By 18 December 2026, Jade will sign the £15-a-week repayment agreement, as \
                                     recorded on her rent account.",
                                    date!(2026 - 12 - 18),
                                ),
                            ],
                        ),
                        step(
                            "By 30 April 2027, Jade will pay £15 every Friday without missing a payment, as shown \
                             on her rent account.",
                            None,
                            &[
                                (
                                    "By 29 January 2027, Jade will have made 4 payments of £15 in a row, as shown \
                                     on her rent account.",
                                    date!(2027 - 01 - 29),
                                ),
                                (
                                    "By 26 March 2027, Jade will keep a weekly budget sheet for 8 weeks in a row, \
                                     checked at her weekly review.",
                                    date!(2027 - 03 - 26),
                                ),
                            ],
                        ),
                    ],
                },
                OutcomeData {
                    key: "g_wellbeing",
                    text: "By 5 April 2027, Jade will have registered with a GP and attended at least 6 of her 8 \
                           talking therapy sessions, and will rate her anxiety at 5 or below out of 10 at 4 weekly \
                           reviews in a row.",
                    by_when: Some(date!(2027 - 04 - 05)),
                    stage: None,
                    areas: &["emotional_wellbeing", "physical_health", "safety", "relationships"],
                    needs: &["anxiety", "gp", "self_harm", "mum"],
                    aspirations: &["feel_ok"],
                    supported_by: supported_by(false, true, true),
                    measure: Some(
                        "Jade's own 0–10 anxiety rating at each weekly review; the Talking Therapies attendance \
                         record; the safety plan incident log.",
                    ),
                    steps: vec![
                        step(
                            "By 18 December 2026, Jade will register with a GP and go to a first appointment about \
                             her anxiety, as confirmed by the surgery.",
                            Some(Service::Health),
                            &[
                                (
                                    "By 4 December 2026, Jade will complete the GP registration form with Sam, as \
                                     recorded on the weekly review.",
                                    date!(2026 - 12 - 04),
                                ),
                                (
                                    "By 18 December 2026, Jade will attend her first GP appointment, as recorded \
                                     on the weekly review.",
                                    date!(2026 - 12 - 18),
                                ),
                            ],
                        ),
                        step(
                            "By 12 March 2027, Jade will attend at least 6 of her 8 Talking Therapies sessions, as \
                             shown by the service's attendance record.",
                            Some(Service::Health),
                            &[(
                                "By 22 January 2027, Jade will use a coping strategy from her safety card on at \
                                 least 3 evenings a week, as recorded in her mood diary.",
                                date!(2027 - 01 - 22),
                            )],
                        ),
                    ],
                },
                OutcomeData {
                    key: "g_college",
                    text: "By 30 June 2027, Jade will apply for and accept a place on a Level 2 Health and \
                           Social Care course starting in September 2027, as shown by her college offer letter.",
                    by_when: Some(date!(2027 - 06 - 30)),
                    stage: None,
                    areas: &["education_employment_training"],
                    needs: &["college"],
                    aspirations: &["college_place", "nurse"],
                    supported_by: supported_by(true, false, true),
                    measure: Some("The college's offer letter."),
                    steps: vec![step(
                        "By 31 March 2027, Jade will complete and send her college application, as confirmed by \
                         the college's acknowledgement e-mail.",
                        None,
                        &[
                            (
                                "By 29 January 2027, Jade will book a place at the college open evening and go with Sam, as \
                                 recorded on the weekly review.",
                                date!(2027 - 01 - 29),
                            ),
                            (
                                "By 12 March 2027, Jade will write a personal statement of at least 200 words, as \
                                 checked by Sam at her weekly review.",
                                date!(2027 - 03 - 12),
                            ),
                        ],
                    )],
                },
                OutcomeData {
                    key: "g_move_on",
                    text: "By 4 October 2027, Jade will be ready to move on to her own tenancy: she will be on the \
                           housing register and will cook for herself on at least 3 evenings a week, as recorded \
                           at her formal review.",
                    by_when: Some(year),
                    stage: None,
                    areas: &["housing", "independent_living"],
                    needs: &["licence", "cooking"],
                    aspirations: &["own_flat"],
                    supported_by: supported_by(false, false, true),
                    measure: Some("Her formal reviews and the move-on readiness checklist."),
                    steps: vec![
                        step(
                            "By 31 January 2027, Jade will join the council's housing register, as confirmed by \
                             her registration letter.",
                            None,
                            &[(
                                "By 15 January 2027, Jade will give Sam 2 documents proving her identity and \
                                 income for the housing register, as checked by Sam.",
                                date!(2027 - 01 - 15),
                            )],
                        ),
                        step(
                            "By 30 June 2027, Jade will cook a meal for herself on at least 3 evenings a week for 8 \
                             weeks in a row, as recorded at her weekly review.",
                            None,
                            &[
                                (
                                    "By 26 February 2027, Jade will plan and buy a weekly shop of no more than \
                                     £35, 4 weeks in a row, as recorded on her budget sheet.",
                                    date!(2027 - 02 - 26),
                                ),
                                (
                                    "By 30 April 2027, Jade will cook 2 meals from the cook-together sessions on \
                                     her own, as recorded on the weekly review.",
                                    date!(2027 - 04 - 30),
                                ),
                            ],
                        ),
                    ],
                },
            ],
            provision: vec![
                ProvisionData {
                    what: "Weekly support session with her key worker: the weekly support review (last week, \
                           emerging issues, other support needs, this week, safety plan) over a cup of tea, \
                           somewhere Jade chooses.",
                    who: SAM,
                    times: 1,
                    per: Per::Week,
                    minutes: 60,
                    from: start,
                    until: year,
                    resources: "Key worker time, from the housing-related support contract.",
                    weekly_cost_pence: 2_600,
                    funding: Funding::Other,
                    outcomes: &["g_arrears", "g_wellbeing", "g_college", "g_move_on"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Money sessions: opening post together, setting up the £15-a-week repayment plan and \
                           direct payment of housing costs, and a weekly budget sheet.",
                    who: SAM,
                    times: 1,
                    per: Per::Week,
                    minutes: 30,
                    from: start,
                    until: date!(2027 - 04 - 30),
                    resources: "Key worker time; budget sheet; the scheme's finance officer for the repayment \
                                agreement.",
                    weekly_cost_pence: 1_300,
                    funding: Funding::Other,
                    outcomes: &["g_arrears"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Guided self-help for anxiety (cognitive behavioural therapy), 8 weekly sessions, \
                           then a review with Jade.",
                    who: THERAPIST,
                    times: 1,
                    per: Per::Week,
                    minutes: 45,
                    from: date!(2026 - 12 - 07),
                    until: date!(2027 - 03 - 12),
                    resources: "NHS Talking Therapies, after self-referral with Sam's help; sessions by video or at \
                                the health centre.",
                    weekly_cost_pence: 5_000,
                    funding: Funding::Health,
                    outcomes: &["g_wellbeing"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Monthly meeting with her leaving care personal adviser: pathway plan, setting-up-home \
                           allowance and the college bursary.",
                    who: ADVISER,
                    times: 1,
                    per: Per::Month,
                    minutes: 60,
                    from: start,
                    until: year,
                    resources: "Personal adviser time; setting-up-home allowance (for the move on).",
                    weekly_cost_pence: 900,
                    funding: Funding::SocialCare,
                    outcomes: &["g_college", "g_move_on"],
                    added_by: None,
                },
                ProvisionData {
                    what: "College application: going to the open evening with Jade, writing her personal \
                           statement together, and practising for the interview.",
                    who: SAM,
                    times: 1,
                    per: Per::Fortnight,
                    minutes: 60,
                    from: date!(2027 - 01 - 04),
                    until: date!(2027 - 06 - 30),
                    resources: "Key worker time; bus fare to the open evening (£4).",
                    weekly_cost_pence: 1_300,
                    funding: Funding::Other,
                    outcomes: &["g_college"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Cook-together session in the shared kitchen with other residents: planning a meal, \
                           shopping on a budget and cooking it.",
                    who: SAM,
                    times: 1,
                    per: Per::Week,
                    minutes: 90,
                    from: date!(2026 - 11 - 02),
                    until: year,
                    resources: "Shared kitchen; ingredients from the scheme's food budget (£6 a week per \
                                resident); support worker time.",
                    weekly_cost_pence: 2_550,
                    funding: Funding::Other,
                    outcomes: &["g_move_on", "g_arrears"],
                    added_by: None,
                },
            ],
            ..Default::default()
        },
        agreed: Some("Jade and Sam went through the plan together and signed it on the day Jade moved in"),
    }
}
