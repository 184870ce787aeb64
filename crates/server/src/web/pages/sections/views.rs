//! How each kind of section is shown on the plan page: the view models
//! the plan page's templates draw.

use goldthread_domain::checks::smart::{self, SmartReport};
use goldthread_domain::content::*;
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::{PlanType, Section, SectionKind, Whose, WrittenBy};
use uuid::Uuid;

/// One section of the plan page.
pub struct SectionView {
    pub key: String,
    /// Where the section's forms live.
    pub base: String,
    /// The heading, shown only on the first section of a block of sections
    /// that share it (the form prints them as one block).
    pub heading: Option<String>,
    pub subheading: Option<String>,
    /// What people call the section (its subheading, else its heading):
    /// what screen readers hear after "Change".
    pub name: String,
    pub hint: Option<String>,
    pub body: Body,
}

pub struct Row {
    pub id: Uuid,
    pub text: String,
    pub detail: String,
    /// A link to an attached file: where, and what to call it.
    pub link: Option<(String, String)>,
}

pub struct Group {
    pub label: String,
    pub key: String,
    pub rows: Vec<Row>,
}

pub struct SmartView {
    pub smart: bool,
    pub summary: String,
    pub missing: Vec<String>,
    pub found: Vec<String>,
}

impl SmartView {
    pub fn of(text: &str) -> SmartView {
        SmartView::from_report(&smart::check(text))
    }

    fn from_report(report: &SmartReport) -> SmartView {
        let summary = if report.smart {
            "SMART".to_owned()
        } else {
            let names: Vec<&str> = report
                .criteria
                .iter()
                .filter(|c| !c.met)
                .map(|c| match c.key {
                    smart::CriterionKey::Specific => "what will be done",
                    smart::CriterionKey::Measurable => "how much or how often",
                    smart::CriterionKey::Evidence => "how it will be measured",
                    smart::CriterionKey::TimeBound => "by when",
                })
                .collect();
            format!("Not yet SMART: say {}", names.join(", "))
        };
        SmartView {
            smart: report.smart,
            summary,
            missing: report.missing.clone(),
            found: report.found.clone(),
        }
    }
}

pub struct TargetView {
    pub id: Uuid,
    pub text: String,
    pub by_when: String,
    pub smart: SmartView,
}

pub struct StepView {
    pub id: Uuid,
    pub text: String,
    pub service: String,
    pub smart: SmartView,
    pub targets: Vec<TargetView>,
}

pub struct OutcomeView {
    pub id: Uuid,
    pub number: usize,
    pub text: String,
    pub when: String,
    pub areas: String,
    /// One line each: need and aspiration texts end with their own full
    /// stops, so they are listed rather than run together.
    pub needs: Vec<String>,
    pub aspirations: Vec<String>,
    pub supported_by: Vec<&'static str>,
    pub measure: Option<String>,
    pub smart: SmartView,
    pub steps: Vec<StepView>,
    pub provision: Vec<String>,
}

pub struct ProvisionView {
    pub id: Uuid,
    pub outcomes: String,
    pub what: String,
    pub who: String,
    pub how_often: String,
    pub dates: String,
    pub resources: String,
    pub cost: String,
    pub funding: String,
    pub ended: Option<String>,
}

pub struct RiskView {
    pub id: Uuid,
    pub risk: String,
    pub rows: Vec<(String, String)>,
}

pub enum Body {
    Person(Vec<(String, String)>),
    Texts {
        prompts: Vec<(String, String)>,
        authorship: Option<String>,
    },
    Strengths(Vec<Group>),
    Needs(Vec<Group>),
    Aspirations(Vec<Group>),
    Outcomes {
        outcomes: Vec<OutcomeView>,
        room: bool,
        max: String,
        text_label: String,
        measure_label: String,
    },
    Provision {
        lines: Vec<ProvisionView>,
        total_cost: String,
        total_hours: String,
        labels: ProvisionLabels,
    },
    Risks(Vec<RiskView>),
    Budget {
        summary: Vec<(String, String)>,
        items: Vec<Row>,
        decisions: Vec<Row>,
        set: bool,
    },
    Record {
        rows: Vec<(String, String)>,
        set: bool,
    },
    Appendices(Vec<Group>),
    Parties,
    Described(String),
}

pub struct ProvisionLabels {
    pub outcomes: String,
    pub what: String,
    pub who: String,
    pub how_often: String,
    pub resources: String,
}

/// `£1,365.50`: the domain's one way of showing money.
fn pounds(pence: i64) -> String {
    goldthread_domain::money::format(pence)
}

/// "240 KB"
pub(super) fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn date(value: Option<time::Date>) -> String {
    crate::web::format::opt_date(value)
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "Yes".into(),
        Some(false) => "No".into(),
        None => "Not answered".into(),
    }
}

fn area_label(plan_type: &PlanType, key: &str) -> String {
    plan_type.area(key).map_or_else(|| key.to_owned(), |a| a.label.clone())
}

/// The sections of `plan` laid out as `plan_type` (its own type, or another
/// type's form) lays them out.
pub fn section_views(
    plan: &Plan,
    plan_type: &PlanType,
    person: &goldthread_domain::person::Person,
) -> Vec<SectionView> {
    let content = &plan.content;
    let mut views = Vec::new();
    let mut last_heading: Option<(String, Option<String>)> = None;
    for section in &plan_type.sections {
        let this = (section.heading.clone(), section.subheading.clone());
        let first_of_block = last_heading.as_ref() != Some(&this);
        let new_heading = last_heading.as_ref().is_none_or(|(h, _)| *h != section.heading);
        last_heading = Some(this);
        let body = match section.kind {
            SectionKind::PersonDetails => Body::Person(vec![
                ("Name".into(), person.details.full_name()),
                ("Known as".into(), person.details.known_as.clone().unwrap_or_default()),
                ("Date of birth".into(), date(person.details.date_of_birth)),
                (
                    "School, setting or scheme".into(),
                    person.details.setting.clone().unwrap_or_default(),
                ),
                (
                    "How I communicate best".into(),
                    person.details.communication.clone().unwrap_or_default(),
                ),
            ]),
            SectionKind::Text => Body::Texts {
                prompts: section
                    .prompts
                    .iter()
                    .map(|p| (p.label.clone(), content.texts.get(&p.key).cloned().unwrap_or_default()))
                    .collect(),
                authorship: content.authorship.get(&section.key).map(|a| match &a.helped_by {
                    Some(helper) => format!(
                        "Written by: {} (with help from {helper})",
                        written_by_label(a.written_by)
                    ),
                    None => format!("Written by: {}", written_by_label(a.written_by)),
                }),
            },
            SectionKind::Strengths if !section.groups_strengths_by_setting() => Body::Strengths(vec![Group {
                label: section.label("item").to_owned(),
                key: "general".into(),
                rows: content
                    .strengths
                    .iter()
                    .map(|s| Row {
                        id: s.id,
                        text: s.text.clone(),
                        detail: String::new(),
                        link: None,
                    })
                    .collect(),
            }]),
            SectionKind::Strengths => {
                let groups = [
                    (StrengthSetting::General, section.label("item").to_owned(), "general"),
                    (
                        StrengthSetting::InSetting,
                        section.label("in_setting").to_owned(),
                        "in_setting",
                    ),
                    (
                        StrengthSetting::OutOfSetting,
                        section.label("out_of_setting").to_owned(),
                        "out_of_setting",
                    ),
                ];
                Body::Strengths(
                    groups
                        .into_iter()
                        .map(|(setting, label, key)| Group {
                            label,
                            key: key.into(),
                            rows: content
                                .strengths
                                .iter()
                                .filter(|s| s.setting == setting)
                                .map(|s| Row {
                                    id: s.id,
                                    text: s.text.clone(),
                                    detail: String::new(),
                                    link: None,
                                })
                                .collect(),
                        })
                        .filter(|g| !g.rows.is_empty() || g.key != "general")
                        .collect(),
                )
            }
            SectionKind::Needs => Body::Needs(
                plan_type
                    .areas_for(section)
                    .map(|area| Group {
                        label: area.label.clone(),
                        key: area.key.clone(),
                        rows: content
                            .needs
                            .iter()
                            .filter(|n| n.area == area.key)
                            .map(|n| Row {
                                id: n.id,
                                text: n.text.clone(),
                                detail: String::new(),
                                link: None,
                            })
                            .collect(),
                    })
                    .collect(),
            ),
            SectionKind::Aspirations => {
                let whose = section.whose();
                Body::Aspirations(
                    [(Term::Short, "short_term"), (Term::Long, "long_term")]
                        .into_iter()
                        .map(|(term, key)| Group {
                            label: section.label(key).to_owned(),
                            key: key.into(),
                            rows: content
                                .aspirations
                                .iter()
                                .filter(|a| a.term == term && a.whose == whose)
                                .map(|a| Row {
                                    id: a.id,
                                    text: a.text.clone(),
                                    detail: String::new(),
                                    link: None,
                                })
                                .collect(),
                        })
                        .collect(),
                )
            }
            SectionKind::Outcomes => {
                let max = plan_type.max_outcomes();
                Body::Outcomes {
                    outcomes: outcome_views(plan, plan_type),
                    room: max.is_none_or(|m| content.outcomes.len() < m as usize),
                    max: max.map(|m| m.to_string()).unwrap_or_default(),
                    text_label: section.label("text").to_owned(),
                    measure_label: section.label("measure").to_owned(),
                }
            }
            SectionKind::Provision => provision_body(plan, section),
            SectionKind::Risks => Body::Risks(
                content
                    .risks
                    .iter()
                    .map(|r| RiskView {
                        id: r.id,
                        risk: r.risk.clone(),
                        rows: [
                            (
                                "identified",
                                r.identified.map(|s| s.as_str().replace('_', " ")).unwrap_or_default(),
                            ),
                            ("triggers", r.triggers.clone().unwrap_or_default()),
                            ("what_staff_do", r.what_staff_do.clone().unwrap_or_default()),
                            ("what_i_do", r.what_i_do.clone().unwrap_or_default()),
                            ("contingency", r.contingency.clone().unwrap_or_default()),
                        ]
                        .into_iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(k, v)| (section.label(k).to_owned(), v))
                        .collect(),
                    })
                    .collect(),
            ),
            SectionKind::Budget => budget_body(plan, section),
            SectionKind::OtherPlans => Body::Record {
                set: !content.other_plans.is_empty(),
                rows: OtherPlanKind::ALL
                    .iter()
                    .map(|kind| {
                        let label = section.label(kind.as_str()).to_owned();
                        let value = match content.other_plans.iter().find(|p| p.kind == *kind) {
                            None => "Not in place".to_owned(),
                            Some(OtherPlan { consent: Some(c), .. }) => {
                                format!(
                                    "In place – consent to use it given by {} on {}",
                                    c.given_by,
                                    date(Some(c.date))
                                )
                            }
                            Some(_) => "In place – no consent recorded to use it".to_owned(),
                        };
                        (label, value)
                    })
                    .collect(),
            },
            SectionKind::SocialCareChecklist => {
                let c = content.social_care_checklist.clone().unwrap_or_default();
                Body::Record {
                    set: content.social_care_checklist.is_some(),
                    rows: vec![
                        (
                            "1. Is an Early Support Assessment being undertaken, or is a TAF plan already in place?"
                                .into(),
                            yes_no(c.esa_or_taf_in_place),
                        ),
                        (
                            "2. Might the child/young person and their family benefit from some early support?".into(),
                            yes_no(c.may_benefit_from_early_support),
                        ),
                        ("Notes".into(), c.notes.unwrap_or_default()),
                    ],
                }
            }
            SectionKind::HealthChecklist => {
                let c = content.health_checklist.clone().unwrap_or_default();
                let professionals: Vec<String> = c
                    .professionals
                    .iter()
                    .map(|p| section.label(p.as_str()).to_owned())
                    .collect();
                Body::Record {
                    set: content.health_checklist.is_some(),
                    rows: vec![
                        (section.label("professionals").to_owned(), professionals.join(", ")),
                        (section.label("other_specify").to_owned(), c.other.unwrap_or_default()),
                        (section.label("q1a").to_owned(), yes_no(c.health_care_plan)),
                        (
                            "1b. Might they need a Health Care Plan?".into(),
                            yes_no(c.may_need_health_care_plan),
                        ),
                        (
                            "2a. Is a SALT, OT and/or Physiotherapist involved?".into(),
                            yes_no(c.therapist_involved),
                        ),
                        (
                            "2b. Might they benefit from a SALT/PT/OT referral?".into(),
                            yes_no(c.may_benefit_from_referral),
                        ),
                        (
                            "5. Actions taken to link the MSP with health".into(),
                            c.actions_summary.unwrap_or_default(),
                        ),
                        (section.label("date").to_owned(), date(c.date)),
                        (section.label("signed").to_owned(), c.signed.unwrap_or_default()),
                    ],
                }
            }
            SectionKind::Appendices => Body::Appendices(
                section
                    .categories
                    .iter()
                    .map(|category| Group {
                        label: category.label.clone(),
                        key: category.key.clone(),
                        rows: content
                            .appendices
                            .iter()
                            .filter(|a| a.category == category.key)
                            .map(|a| Row {
                                id: a.id,
                                text: a.reference.clone(),
                                detail: date(a.date),
                                link: a.file.as_ref().map(|f| {
                                    (
                                        format!("/plans/{}/files/{}", plan.id, f.id),
                                        format!("{} ({})", f.name, size(f.size)),
                                    )
                                }),
                            })
                            .collect(),
                    })
                    .collect(),
            ),
            SectionKind::CompulsoryMeasures => {
                let m = content.compulsory_measures.clone();
                let rows = match &m {
                    None => vec![],
                    Some(m) if !m.in_place => vec![("Compulsory measures".into(), "None".into())],
                    Some(m) => vec![
                        (
                            section.label("measure").to_owned(),
                            m.measure.clone().unwrap_or_default(),
                        ),
                        (
                            section.label("made_by").to_owned(),
                            m.made_by.clone().unwrap_or_default(),
                        ),
                        (section.label("date").to_owned(), date(m.date)),
                        (section.label("review_date").to_owned(), date(m.review_date)),
                        (
                            section.label("details").to_owned(),
                            m.details.clone().unwrap_or_default(),
                        ),
                    ],
                };
                Body::Record { set: m.is_some(), rows }
            }
            SectionKind::Parties => Body::Parties,
            SectionKind::Reviews => Body::Described(match plan.details.review_interval_weeks {
                Some(weeks) => format!("Formal review every {weeks} weeks (set for this plan)."),
                None => format!(
                    "Formal review every {} weeks{}.",
                    plan_type.reviews.formal_interval_weeks,
                    if plan_type.reviews.weekly {
                        ", with a weekly support review"
                    } else {
                        ""
                    }
                ),
            }),
            SectionKind::Meetings => {
                Body::Described("Planning meetings and their action points are recorded here.".into())
            }
            SectionKind::Agreement => Body::Described(
                section
                    .statement
                    .clone()
                    .unwrap_or_else(|| "Everyone involved agrees to this plan.".into()),
            ),
        };
        views.push(SectionView {
            key: section.key.clone(),
            base: format!("/plans/{}/sections/{}", plan.id, section.key),
            heading: new_heading.then(|| section.heading.clone()),
            subheading: if first_of_block {
                section.subheading.clone()
            } else {
                None
            },
            name: section.subheading.clone().unwrap_or_else(|| section.heading.clone()),
            hint: section.hint.clone(),
            body,
        });
    }
    views
}

fn written_by_label(by: WrittenBy) -> &'static str {
    by.label().trim_end_matches(" from …").trim_end_matches(" with help")
}

fn outcome_views(plan: &Plan, plan_type: &PlanType) -> Vec<OutcomeView> {
    let content = &plan.content;
    content
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut supported_by = Vec::new();
            if o.supported_by.education {
                supported_by.push("Education");
            }
            if o.supported_by.health {
                supported_by.push("Health");
            }
            if o.supported_by.social_care {
                supported_by.push("Social care");
            }
            let when = match (&o.stage, o.by_when) {
                (Some(stage), Some(d)) => format!("{stage} ({})", date(Some(d))),
                (Some(stage), None) => stage.clone(),
                (None, Some(d)) => format!("By {}", date(Some(d))),
                (None, None) => String::new(),
            };
            OutcomeView {
                id: o.id,
                number: i + 1,
                text: o.text.clone(),
                when,
                areas: o
                    .areas
                    .iter()
                    .map(|a| area_label(plan_type, a))
                    .collect::<Vec<_>>()
                    .join(", "),
                needs: o
                    .need_ids
                    .iter()
                    .filter_map(|id| content.needs.iter().find(|n| n.id == *id))
                    .map(|n| n.text.clone())
                    .collect(),
                aspirations: o
                    .aspiration_ids
                    .iter()
                    .filter_map(|id| content.aspirations.iter().find(|a| a.id == *id))
                    .map(|a| a.text.clone())
                    .collect(),
                supported_by,
                measure: o.measure.clone(),
                smart: SmartView::of(&o.text),
                steps: o
                    .steps
                    .iter()
                    .map(|s| StepView {
                        id: s.id,
                        text: s.text.clone(),
                        service: s.service.map(|s| format!("{s:?}")).unwrap_or_default(),
                        smart: SmartView::of(&s.text),
                        targets: s
                            .targets
                            .iter()
                            .map(|t| TargetView {
                                id: t.id,
                                text: t.text.clone(),
                                by_when: date(t.by_when),
                                smart: SmartView::of(&t.text),
                            })
                            .collect(),
                    })
                    .collect(),
                provision: content
                    .provision
                    .iter()
                    .filter(|p| p.ended.is_none() && p.outcome_ids.contains(&o.id))
                    .map(|p| p.what.clone())
                    .collect(),
            }
        })
        .collect()
}

fn provision_body(plan: &Plan, section: &Section) -> Body {
    let content = &plan.content;
    let mut total_cost = 0;
    let mut total_hours = 0.0;
    let lines = content
        .provision
        .iter()
        .map(|p| {
            if p.ended.is_none() {
                total_cost += p.weekly_cost_pence.unwrap_or(0);
                total_hours += p.weekly_hours().unwrap_or(0.0);
            }
            let who = p
                .party_id
                .and_then(|id| plan.party(id))
                .map(|party| match &party.agency {
                    Some(agency) => format!("{} ({agency})", party.name),
                    None => party.name.clone(),
                });
            ProvisionView {
                id: p.id,
                outcomes: p
                    .outcome_ids
                    .iter()
                    .filter_map(|id| content.outcome_number(*id))
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                what: p.what.clone(),
                who: who.unwrap_or_default(),
                how_often: p.how_often(),
                dates: match (p.from, p.until) {
                    (Some(f), Some(u)) => format!("{} to {}", date(Some(f)), date(Some(u))),
                    (Some(f), None) => format!("From {}", date(Some(f))),
                    (None, Some(u)) => format!("Until {}", date(Some(u))),
                    (None, None) => String::new(),
                },
                resources: p.resources.clone().unwrap_or_default(),
                cost: p
                    .weekly_cost_pence
                    .map(|c| format!("{} a week", pounds(c)))
                    .unwrap_or_default(),
                funding: p.funding.map(|f| f.label().to_owned()).unwrap_or_default(),
                ended: plan
                    .reviews
                    .ended_words(p.id)
                    .or_else(|| p.ended.as_ref().map(|e| format!("Ended {}", date(Some(e.on))))),
            }
        })
        .collect();
    Body::Provision {
        lines,
        total_cost: pounds(total_cost),
        total_hours: format!("{total_hours:.1}"),
        labels: ProvisionLabels {
            outcomes: section.label("outcomes").to_owned(),
            what: section.label("what").to_owned(),
            who: section.label("who").to_owned(),
            how_often: section.label("how_often").to_owned(),
            resources: section.label("resources").to_owned(),
        },
    }
}

fn budget_body(plan: &Plan, section: &Section) -> Body {
    let content = &plan.content;
    let mut summary = Vec::new();
    let figures = goldthread_domain::budget::BudgetSummary::of(content);
    if let (Some(b), Some(figures)) = (&content.budget, &figures) {
        summary.push((
            section.label("amount").to_owned(),
            format!("{} a {}", pounds(b.amount_pence), b.period.as_str()),
        ));
        summary.push(("Each week".into(), pounds(figures.weekly_pence)));
        if let Some(m) = &b.management {
            summary.push((section.label("management").to_owned(), m.clone()));
        }
        if let Some(c) = &b.in_control {
            summary.push((section.label("in_control").to_owned(), c.clone()));
        }
    }
    // The figures are the domain's budget summary: the same on the checks
    // panel and in the API.
    if let Some(figures) = &figures {
        for (label, value) in figures.lines().into_iter().skip(1) {
            let label = match label {
                "Committed" => section.label("committed").to_owned(),
                "Remaining" => section.label("remaining").to_owned(),
                other => other.to_owned(),
            };
            summary.push((label, value));
        }
    }
    Body::Budget {
        set: content.budget.is_some(),
        summary,
        items: content
            .budget_items
            .iter()
            .map(|i| Row {
                id: i.id,
                text: i.what.clone(),
                detail: format!("{} a {}", pounds(i.cost_pence), i.period.as_str()),
                link: None,
            })
            .collect(),
        decisions: content
            .decisions
            .iter()
            .map(|d| Row {
                id: d.id,
                text: d.decision.clone(),
                detail: d.who.clone(),
                link: None,
            })
            .collect(),
    }
}

/// The item kind a group list's rows are, for their links.
pub fn group_kind(body: &Body) -> &'static str {
    match body {
        Body::Strengths(_) => "strength",
        Body::Needs(_) => "need",
        Body::Aspirations(_) => "aspiration",
        Body::Appendices(_) => "appendix",
        _ => "",
    }
}

/// Which parts of the page's sections can be changed, for the template.
pub fn editable(section: &SectionView) -> bool {
    !matches!(section.body, Body::Parties | Body::Person(_) | Body::Described(_))
}

/// The person's own view of `whose` aspirations, for labels.
pub fn whose_label(whose: Whose) -> &'static str {
    match whose {
        Whose::Person => "mine",
        Whose::Parent => "my parents'",
    }
}
