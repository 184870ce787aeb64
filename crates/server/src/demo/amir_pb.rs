//! Amir Hassan, 34, who has a learning disability and lives in his own flat:
//! his Personal Budget support plan, written with his circle of support
//! (his sister Layla, his friend Ben and his support worker) and his social
//! worker. It started as a blank sheet in Amir's own words and is now on
//! the council's form, waiting for the funding panel.

use super::*;

/// Amir's social worker writes the plan with him and leads it.
const NADIA_USER: &str = "nadia.malik@example.org";

const AMIR: &str = "Amir Hassan";
const LAYLA: &str = "Layla Hassan";
const BEN: &str = "Ben Carter";
const SUPPORT_WORKER: &str = "Support worker";
const SOCIAL_WORKER: &str = "Nadia Malik";
const JOB_COACH: &str = "Sian Roberts";

pub(super) fn plan() -> DemoPlan {
    let start = date!(2026 - 11 - 01);
    let pa_start = date!(2027 - 01 - 11);
    let year = date!(2027 - 10 - 31);
    let helpers = Some("Layla (my sister), Ben and my support worker");
    DemoPlan {
        author: NADIA_USER,
        person: PersonInput {
            given_name: Some("Amir".into()),
            family_name: Some("Hassan".into()),
            date_of_birth: Some("1992-07-19".into()),
            communication: Some(
                "Easy-read with pictures; likes his sister Layla with him when decisions are made.".into(),
            ),
            ..Default::default()
        },
        plan_type: "PB",
        title: "Amir's support plan",
        start,
        review_interval_weeks: Some(26),
        parties: vec![
            party(AMIR, "person", None, None),
            party(LAYLA, "circle_of_support", None, Some("Sister")).contact("07700 900517"),
            party(BEN, "circle_of_support", None, Some("Friend")),
            party(SUPPORT_WORKER, "other", Some("Community support service"), None),
            party(
                SOCIAL_WORKER,
                "social_worker",
                Some("Adult Social Care – Learning Disability Team"),
                None,
            )
            .user(NADIA_USER)
            .lead(),
            party(
                JOB_COACH,
                "other",
                Some("Supported Employment Service"),
                Some("Job coach"),
            ),
        ],
        content: Content {
            texts: vec![
                texts(
                    "important_to_me",
                    Some(WrittenBy::MeWithHelp),
                    helpers,
                    &[(
                        "important_to_me",
                        "My family, especially my sister Layla and my nephews Adam and Yusuf. Football: I support \
                         the town and I play 5-a-side. Cooking curry like my mum did. Living in my own flat with my \
                         own key. Going to the mosque on Fridays. Being treated like an adult and not talked \
                         about as if I'm not there.",
                    )],
                ),
                texts(
                    "more_about_me",
                    Some(WrittenBy::MeWithHelp),
                    helpers,
                    &[
                        (
                            "passions",
                            "Football and cooking. I know every player in the team and I make the best chicken \
                             curry in the family.",
                        ),
                        (
                            "interests",
                            "Gardening, action films, 90s music, and the bus routes around town.",
                        ),
                        (
                            "skills",
                            "I'm friendly and I remember everyone's name. I can use a tablet, make tea and simple \
                             meals, and travel on the number 12 bus on my own. I'm good at growing tomatoes.",
                        ),
                        (
                            "community_connections",
                            "Layla and her family; my friend Ben from school; the mosque on Fridays; the 5-a-side \
                             group at the leisure centre; the café on the corner, where everyone knows me.",
                        ),
                    ],
                ),
                texts(
                    "working_not_working",
                    Some(WrittenBy::CircleOfSupport),
                    None,
                    &[
                        (
                            "working",
                            "Living in my own flat (since 2023). Seeing Layla and the boys every Sunday. Going to \
                             the mosque. Travelling on the number 12 bus. Playing football with Ben when he can \
                             come.",
                        ),
                        (
                            "not_working",
                            "I'm lonely in the week and watch a lot of TV on my own. I have nothing to do in the \
                             day and I want a job. I run out of money before the end of the month, and sometimes \
                             people ask me for money. My support now comes from an agency and it's a different \
                             person most weeks, so I don't know who is coming. Layla does too much for me on top \
                             of her job and the boys.",
                        ),
                    ],
                ),
                texts(
                    "staying_in_control",
                    Some(WrittenBy::MeWithHelp),
                    helpers,
                    &[
                        (
                            "staying_in_control",
                            "I will choose my own personal assistant; Layla will help me interview. My plan and my \
                             budget sheet will be in easy read with pictures. Every Monday I will tell my PA what I \
                             want to do that week. I can change my plan when I want to: I tell Layla or Nadia and \
                             we meet.",
                        ),
                        (
                            "decisions",
                            "I decide about my day, my food, my activities and who supports me. I decide about \
                             money and my health with help from Layla. Nobody else decides for me. If a big \
                             decision is needed, my circle of support meets and I say what I want first.",
                        ),
                    ],
                ),
                texts(
                    "putting_into_action",
                    Some(WrittenBy::Practitioner),
                    None,
                    &[(
                        "putting_into_action",
                        "Nadia takes the plan to the council's funding panel on 26 November 2026. Once it is \
                         approved: Nadia sets up the direct payment and the managed account by 18 December 2026; \
                         Amir and Layla advertise for a personal assistant and interview in December; the PA starts \
                         on 11 January 2027. Sian (job coach) starts with Amir on 7 December 2026. Nadia reviews \
                         the plan with Amir and his circle 6 weeks after the PA starts, then every 6 months.",
                    )],
                ),
            ],
            risks: vec![
                RiskData {
                    risk: "Being taken advantage of with money: people asking to borrow money or for his bank \
                           card.",
                    identified: RiskSource::Assessment,
                    triggers: "New \"friends\" from online games or the bus stop; being lonely; running out of \
                               money near the end of the month.",
                    what_staff_do: "His PA and Layla talk with Amir about safe and unsafe friends using easy-read \
                                    stories; his bank card has a daily limit of £30; Layla has view-only online \
                                    banking, which Amir agreed to.",
                    what_i_do: "I won't give my PIN or my card to anyone. I tell Layla or my PA if someone asks \
                                me for money.",
                    contingency: "If money goes missing, Layla helps Amir ring the bank to stop the card and tells \
                                  Nadia the same day; a safeguarding referral is made if someone is exploiting \
                                  him.",
                },
                RiskData {
                    risk: "No support if his personal assistant is ill, on holiday or leaves.",
                    identified: RiskSource::Assessment,
                    triggers: "PA sickness, holidays or resignation.",
                    what_staff_do: "The community support service provides cover from two backup workers who \
                                    know Amir; his one-page profile tells any new worker how he likes to be \
                                    supported.",
                    what_i_do: "I keep to my picture timetable and ring Layla if nobody comes.",
                    contingency: "Layla stays with Amir, or he stays with her, for up to a week; the contingency \
                                  fund in the budget (up to £520 a year) pays for emergency cover.",
                },
                RiskData {
                    risk: "Getting lost or panicking on the bus to a new place.",
                    identified: RiskSource::Other,
                    triggers: "A changed bus route, a crowded bus, somewhere he hasn't been before.",
                    what_staff_do: "Travel training with his PA for the first weeks of volunteering; a travel \
                                    card in his wallet with Layla's number.",
                    what_i_do: "I use the photos of the stops on my phone. If I'm lost I stay where I am and ring \
                                Layla.",
                    contingency: "If Amir hasn't arrived at the garden 30 minutes after he was due, the job coach \
                                  rings him and then Layla.",
                },
            ],
            aspirations: vec![
                mine(
                    "volunteer",
                    Term::Short,
                    "Find some volunteering, maybe at a garden or a kitchen.",
                ),
                mine(
                    "own_pa",
                    Term::Short,
                    "Choose my own support worker, someone I get on with.",
                ),
                mine(
                    "match",
                    Term::Short,
                    "Go to a football match at the stadium with a friend.",
                ),
                mine("paid_job", Term::Long, "Have a paid job, a few days a week."),
                mine("friends", Term::Long, "Have more friends, and maybe a girlfriend."),
                mine(
                    "my_flat",
                    Term::Long,
                    "Keep living in my own flat and do more for myself.",
                ),
            ],
            outcomes: vec![
                OutcomeData {
                    key: "o_volunteer",
                    text: "By 30 July 2027, Amir will be volunteering at the community garden 2 mornings a week, \
                           travelling there on his own by bus, as recorded on his volunteering timesheet.",
                    by_when: Some(date!(2027 - 07 - 30)),
                    stage: None,
                    areas: &["work_learning", "community"],
                    needs: &[],
                    aspirations: &["volunteer", "paid_job"],
                    supported_by: supported_by(false, false, true),
                    measure: Some("My timesheet at the garden and my job coach's notes."),
                    steps: vec![
                        step(
                            "By 29 January 2027, Amir will visit 3 volunteering places with his job coach and \
                             choose one, as recorded in the job coach's notes.",
                            None,
                            &[
                                (
                                    "By 18 December 2026, Amir will meet his job coach and make a list of at \
                                     least 3 places he would like to try, as recorded in his plan folder.",
                                    date!(2026 - 12 - 18),
                                ),
                                (
                                    "By 29 January 2027, Amir will visit 3 places with his job coach, as \
                                     recorded in the job coach's notes.",
                                    date!(2027 - 01 - 29),
                                ),
                            ],
                        ),
                        step(
                            "By 30 April 2027, Amir will travel to the garden by bus on his own 4 weeks in a row, \
                             as recorded on his timesheet.",
                            None,
                            &[(
                                "By 12 March 2027, Amir will do the bus journey with his PA 6 times, then with his \
                                 PA following behind 2 times, as recorded in his travel training log.",
                                date!(2027 - 03 - 12),
                            )],
                        ),
                    ],
                },
                OutcomeData {
                    key: "o_money",
                    text: "By 30 April 2027, Amir will plan his weekly shop and pay all his bills on time every \
                           month, as shown on his bank statements, which he checks with Layla.",
                    by_when: Some(date!(2027 - 04 - 30)),
                    stage: None,
                    areas: &["home", "safety"],
                    needs: &[],
                    aspirations: &["my_flat"],
                    supported_by: supported_by(false, false, true),
                    measure: Some("My bank statements each month, checked with Layla: no missed bills."),
                    steps: vec![
                        step(
                            "By 26 February 2027, Amir will use his picture shopping list to plan and buy a weekly \
                             shop of no more than £40 with his PA, 4 weeks in a row, as recorded in his budget \
                             book.",
                            None,
                            &[(
                                "By 29 January 2027, Amir will write his picture shopping list with his PA every \
                                 Monday for 3 weeks in a row, as recorded in his budget book.",
                                date!(2027 - 01 - 29),
                            )],
                        ),
                        step(
                            "By 30 April 2027, Amir will cook 3 meals a week from his recipe book, 2 of them with \
                             no help, as recorded by his PA.",
                            None,
                            &[(
                                "By 26 March 2027, Amir will cook chicken curry and 2 other meals on his own at \
                                 least once a week each, as recorded by his PA.",
                                date!(2027 - 03 - 26),
                            )],
                        ),
                    ],
                },
                OutcomeData {
                    key: "o_friends",
                    text: "By 31 October 2027, Amir will meet friends outside his family at least twice a week, at \
                           football and the film club, as recorded in his diary.",
                    by_when: Some(year),
                    stage: None,
                    areas: &["relationships", "community"],
                    needs: &[],
                    aspirations: &["friends", "match"],
                    supported_by: supported_by(false, false, true),
                    measure: Some("My diary, and what I say at my review."),
                    steps: vec![step(
                        "By 31 March 2027, Amir will go to 5-a-side football every Saturday and to the Thursday \
                         film club at least twice a month, as recorded in his diary.",
                        None,
                        &[
                            (
                                "By 29 January 2027, Amir will go to the film club with his PA 2 times, as \
                                 recorded in his diary.",
                                date!(2027 - 01 - 29),
                            ),
                            (
                                "By 31 March 2027, Amir will go to football on at least 8 Saturdays, as recorded \
                                 in his diary.",
                                date!(2027 - 03 - 31),
                            ),
                        ],
                    )],
                },
                OutcomeData {
                    key: "o_layla",
                    text: "By 31 March 2027, Amir will go to his GP and dentist appointments with his PA instead of \
                           Layla, so that Layla spends no more than 1 hour a week on his paperwork, as Layla tells \
                           the review.",
                    by_when: Some(date!(2027 - 03 - 31)),
                    stage: None,
                    areas: &["health", "carer_support"],
                    needs: &[],
                    aspirations: &["own_pa", "my_flat"],
                    supported_by: supported_by(false, true, true),
                    measure: Some("Layla's own account at the 6-week review, and my appointment diary."),
                    steps: vec![step(
                        "By 26 February 2027, Amir's PA will book and go with him to his GP and dentist \
                         appointments, as recorded in his appointment diary.",
                        Some(Service::Health),
                        &[(
                            "By 26 February 2027, Amir will attend his annual health check appointment at the GP with his PA, \
                             as recorded in his appointment diary.",
                            date!(2027 - 02 - 26),
                        )],
                    )],
                },
            ],
            provision: vec![
                ProvisionData {
                    what: "A personal assistant chosen by Amir, at home: planning the weekly shop, cooking \
                           together, opening post and paying bills, medication reminders, and going with him to \
                           health appointments.",
                    who: SUPPORT_WORKER,
                    times: 3,
                    per: Per::Week,
                    minutes: 150,
                    from: pa_start,
                    until: year,
                    resources: "7.5 hours a week at £22 an hour; picture shopping list, recipe book, budget book.",
                    weekly_cost_pence: 16_500,
                    funding: Funding::PersonalBudget,
                    outcomes: &["o_money", "o_layla"],
                    added_by: None,
                },
                ProvisionData {
                    what: "His personal assistant goes with him to the Thursday film club and does travel \
                           training on the bus to new places.",
                    who: SUPPORT_WORKER,
                    times: 1,
                    per: Per::Week,
                    minutes: 150,
                    from: pa_start,
                    until: year,
                    resources: "2.5 hours a week at £22 an hour; the PA's film ticket and bus fare from the \
                                activities line of the budget.",
                    weekly_cost_pence: 5_500,
                    funding: Funding::PersonalBudget,
                    outcomes: &["o_volunteer", "o_friends"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Job coach: finding a volunteering place, learning the role alongside Amir, then \
                           stepping back as he gets confident.",
                    who: JOB_COACH,
                    times: 1,
                    per: Per::Week,
                    minutes: 120,
                    from: date!(2026 - 12 - 07),
                    until: date!(2027 - 07 - 30),
                    resources: "The council's supported employment service (not paid from the personal budget).",
                    weekly_cost_pence: 4_400,
                    funding: Funding::SocialCare,
                    outcomes: &["o_volunteer"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Ben and Amir play 5-a-side football together at the leisure centre on Saturday \
                           mornings.",
                    who: BEN,
                    times: 1,
                    per: Per::Week,
                    minutes: 90,
                    from: start,
                    until: year,
                    resources: "Amir pays his own £5 match fee.",
                    weekly_cost_pence: 500,
                    funding: Funding::Other,
                    outcomes: &["o_friends"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Layla and Amir go through his bank statement and budget sheet together.",
                    who: LAYLA,
                    times: 1,
                    per: Per::Month,
                    minutes: 60,
                    from: start,
                    until: year,
                    resources: "Easy-read budget sheet; view-only online banking.",
                    weekly_cost_pence: 0,
                    funding: Funding::Other,
                    outcomes: &["o_money", "o_layla"],
                    added_by: None,
                },
                ProvisionData {
                    what: "Social worker: sets up the direct payment and managed account, and reviews the plan and \
                           the budget with Amir and his circle.",
                    who: SOCIAL_WORKER,
                    times: 2,
                    per: Per::Year,
                    minutes: 90,
                    from: start,
                    until: year,
                    resources: "Social worker time (Adult Social Care).",
                    weekly_cost_pence: 300,
                    funding: Funding::SocialCare,
                    outcomes: &["o_money", "o_layla"],
                    added_by: None,
                },
            ],
            budget: Some(Budget {
                amount_pence: 1_320_000,
                period: BudgetPeriod::Year,
                management: Some(
                    "Direct Payment into a separate bank account in Amir's name, with a managed-account service \
                     (payroll, invoices and returns to the council) that Amir chose."
                        .into(),
                ),
                in_control: Some(
                    "Amir decides what the money is spent on, within this plan. He checks an easy-read statement \
                     with Layla every month, and signs off the PA's timesheets with his PA each Friday."
                        .into(),
                ),
            }),
            budget_items: vec![
                (
                    "Personal assistant, 10 hours a week at £22 an hour",
                    22_000,
                    BudgetPeriod::Week,
                ),
                (
                    "Activities with the PA (film club tickets, bus fares)",
                    1_200,
                    BudgetPeriod::Week,
                ),
                ("Managed-account and payroll service", 3_500, BudgetPeriod::Month),
                ("Tablet data plan and picture-reminder app", 18_000, BudgetPeriod::Year),
                (
                    "Contingency: emergency cover and extra hours",
                    52_000,
                    BudgetPeriod::Year,
                ),
            ],
            decisions: vec![
                ("Who my personal assistant is", "Amir, with Layla at the interviews"),
                (
                    "What I do each week, and when",
                    "Amir, at his Monday planning chat with his PA",
                ),
                (
                    "Paying the PA and the bills from the direct payment account",
                    "The managed-account service, checked monthly by Amir and Layla",
                ),
                (
                    "Spending more than £100 at once from the budget",
                    "Amir and Layla together; Nadia is told",
                ),
                (
                    "Changes to my health care or medication",
                    "Amir with his GP; Layla helps him understand the choices",
                ),
            ],
            ..Default::default()
        },
        agreed: Some("Amir and Layla agreed the plan, and the council approved the funding"),
    }
}
