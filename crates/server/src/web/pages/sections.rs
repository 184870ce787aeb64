//! The sections of a plan, as its plan type lays them out: how each kind of
//! section is shown on the plan page, and the forms that change it.
//!
//! Forms are built from field specifications ([`Field`]) with the plan
//! type's own labels, so that one template serves every kind of item and
//! every kind of plan. Without JavaScript a form is checked on save (with
//! the SMART check shown beside outcomes, steps and targets); with it,
//! `app.mjs` checks SMART-ness as the writer types.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use goldthread_domain::checks::smart::{self, SmartReport};
use goldthread_domain::content::*;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Plan};
use goldthread_domain::plan_type::{PlanType, Section, SectionKind, Whose, WrittenBy};
use serde::Deserialize;
use uuid::Uuid;

use super::people::parse_id;
use super::{Ctx, FormErrors, render, render_invalid};
use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::session::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/sections/{section}/texts", get(texts_page).post(save_texts))
        .route(
            "/plans/{id}/sections/{section}/add/{kind}",
            get(add_page).post(add_item),
        )
        .route(
            "/plans/{id}/sections/{section}/record",
            get(record_page).post(save_record),
        )
        .route(
            "/plans/{id}/sections/{section}/items/{kind}/{item}",
            get(edit_page).post(edit_item),
        )
        .route(
            "/plans/{id}/sections/{section}/items/{kind}/{item}/remove",
            post(remove_item),
        )
        .route(
            "/plans/{id}/sections/{section}/items/appendix/{item}/file",
            post(attach_file).layer(axum::extract::DefaultBodyLimit::max(crate::web::MAX_UPLOAD_BYTES)),
        )
        .route("/plans/{id}/files/{file}", get(download))
        .route("/checks/smart", post(smart_check))
}

// ---------------------------------------------------------------------------
// Showing sections

/// One section of the plan page.
pub struct SectionView {
    pub key: String,
    /// Where the section's forms live.
    pub base: String,
    /// The heading, shown only on the first section of a block of sections
    /// that share it (the form prints them as one block).
    pub heading: Option<String>,
    pub subheading: Option<String>,
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
    pub needs: String,
    pub aspirations: String,
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

fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let pence = pence.abs();
    format!("{sign}£{}.{:02}", pence / 100, pence % 100)
}

/// "240 KB"
fn size(bytes: u64) -> String {
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
                    .collect::<Vec<_>>()
                    .join("; "),
                aspirations: o
                    .aspiration_ids
                    .iter()
                    .filter_map(|id| content.aspirations.iter().find(|a| a.id == *id))
                    .map(|a| a.text.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
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
                ended: p.ended.as_ref().map(|e| format!("Ended {}", date(Some(e.on)))),
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
    if let Some(b) = &content.budget {
        summary.push((
            section.label("amount").to_owned(),
            format!("{} a {}", pounds(b.amount_pence), b.period.as_str()),
        ));
        summary.push(("Each week".into(), pounds(b.weekly_pence().round() as i64)));
        if let Some(m) = &b.management {
            summary.push((section.label("management").to_owned(), m.clone()));
        }
        if let Some(c) = &b.in_control {
            summary.push((section.label("in_control").to_owned(), c.clone()));
        }
        let committed: f64 = content
            .budget_items
            .iter()
            .map(|i| i.cost_pence as f64 / i.period.weeks())
            .sum::<f64>()
            + content
                .provision
                .iter()
                .filter(|p| p.ended.is_none() && p.funding == Some(Funding::PersonalBudget))
                .map(|p| p.weekly_cost_pence.unwrap_or(0) as f64)
                .sum::<f64>();
        summary.push((
            section.label("committed").to_owned(),
            format!("{} a week", pounds(committed.round() as i64)),
        ));
        summary.push((
            section.label("remaining").to_owned(),
            format!("{} a week", pounds((b.weekly_pence() - committed).round() as i64)),
        ));
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

// ---------------------------------------------------------------------------
// Forms

/// How a field is typed in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    Text,
    TextArea,
    Date,
    Number,
    Money,
    Select,
    Radios,
    Checkboxes,
    YesNo,
}

/// One field of a generated form.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub widget: Widget,
    /// For single values.
    pub value: String,
    /// For checkboxes.
    pub values: Vec<String>,
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
    /// Shown beside outcomes, steps and targets.
    pub smart: Option<SmartView>,
}

impl Field {
    fn new(name: &'static str, label: impl Into<String>, widget: Widget) -> Field {
        Field {
            name,
            label: label.into(),
            hint: String::new(),
            widget,
            value: String::new(),
            values: vec![],
            options: vec![],
            error: None,
            smart: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = hint.into();
        self
    }

    fn options(mut self, options: Vec<(String, String)>) -> Field {
        self.options = options;
        self
    }

    fn smart(mut self) -> Field {
        self.smart = Some(SmartView::of(""));
        self
    }

    pub fn is_checked(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value) || self.value == value
    }

    pub fn is(&self, widget: &str) -> bool {
        let name = match self.widget {
            Widget::Text => "text",
            Widget::TextArea => "textarea",
            Widget::Date => "date",
            Widget::Number => "number",
            Widget::Money => "money",
            Widget::Select => "select",
            Widget::Radios => "radios",
            Widget::Checkboxes => "checkboxes",
            Widget::YesNo => "yesno",
        };
        name == widget
    }
}

/// A form body as pairs, keeping repeated names (checkboxes).
#[derive(Default)]
pub struct Data(Vec<(String, String)>);

impl Data {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_owned()
    }

    fn opt(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    fn date(&self, name: &str, errors: &mut FieldErrors) -> Option<time::Date> {
        goldthread_domain::error::optional_date(errors, name, self.get(name))
    }

    fn number(&self, name: &str, errors: &mut FieldErrors) -> Option<u32> {
        let value = self.get(name)?;
        match value.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(name, "Enter a whole number, like 3");
                None
            }
        }
    }

    /// "£95", "95.50", "1,200" → pence.
    fn money(&self, name: &str, errors: &mut FieldErrors) -> Option<i64> {
        let value = self.get(name)?;
        let cleaned: String = value
            .trim_start_matches('£')
            .chars()
            .filter(|c| *c != ',' && *c != ' ')
            .collect();
        let negative = cleaned.starts_with('-');
        let digits = cleaned.trim_start_matches('-');
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let valid = !whole.is_empty()
            && whole.chars().all(|c| c.is_ascii_digit())
            && fraction.len() <= 2
            && fraction.chars().all(|c| c.is_ascii_digit())
            && whole.len() <= 12;
        if !valid {
            errors.add(name, "Enter an amount in pounds, like 95 or 95.50");
            return None;
        }
        let pence = whole.parse::<i64>().unwrap_or(0) * 100 + format!("{fraction:0<2}").parse::<i64>().unwrap_or(0);
        Some(if negative { -pence } else { pence })
    }

    fn ids(&self, name: &str, errors: &mut FieldErrors) -> Vec<Uuid> {
        let mut ids = Vec::new();
        for value in self.all(name) {
            match Uuid::parse_str(&value) {
                Ok(id) => ids.push(id),
                Err(_) => errors.add(name, "Choose from the list"),
            }
        }
        ids
    }

    fn yes_no(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        }
    }
}

/// The form's own names for domain fields that it types in differently.
fn form_field(kind: &str, domain_field: &str) -> String {
    match (kind, domain_field) {
        (_, "weekly_cost_pence") => "weekly_cost".into(),
        (_, "cost_pence") => "cost".into(),
        (_, "amount_pence") => "amount".into(),
        (_, "frequency") => "times".into(),
        ("outcome", "steps" | "targets") => "text".into(),
        _ => domain_field.to_owned(),
    }
}

fn options_yes_no() -> Vec<(String, String)> {
    vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())]
}

/// The fields of a form for an item of `kind` in `section`.
fn item_fields(kind: ItemKind, section: &Section, plan: &Plan, plan_type: &PlanType) -> Vec<Field> {
    let content = &plan.content;
    let outcome_options = || {
        content
            .outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.to_string(), format!("Outcome {}: {}", i + 1, o.text)))
            .collect::<Vec<_>>()
    };
    match kind {
        ItemKind::Strength => vec![
            Field::new("text", section.label("item"), Widget::TextArea),
            Field::new("setting", "Where", Widget::Radios).options(vec![
                ("general".into(), "Anywhere".into()),
                ("in_setting".into(), section.label("in_setting").to_owned()),
                ("out_of_setting".into(), section.label("out_of_setting").to_owned()),
            ]),
        ],
        ItemKind::Need => vec![
            Field::new("area", section.label("area"), Widget::Radios).options(
                plan_type
                    .areas_for(section)
                    .map(|a| (a.key.clone(), a.label.clone()))
                    .collect(),
            ),
            Field::new("text", section.label("need"), Widget::TextArea),
        ],
        ItemKind::Aspiration => vec![
            Field::new("term", "When", Widget::Radios).options(vec![
                ("short".into(), section.label("short_term").to_owned()),
                ("long".into(), section.label("long_term").to_owned()),
            ]),
            Field::new("text", section.label("title"), Widget::TextArea),
        ],
        ItemKind::Outcome => {
            let mut fields = vec![
                Field::new("text", section.label("text"), Widget::TextArea)
                    .hint(section.field_hint("text").unwrap_or("Say what the person will be able to do, how much or how often, how you will know, and by when."))
                    .smart(),
                Field::new("by_when", section.label("by_when"), Widget::Date).hint("For example, 2027-07-16"),
                Field::new("stage", "Or by the end of a phase or stage (optional)", Widget::Text)
                    .hint("For example, By the end of key stage 2"),
                Field::new("areas", section.label("areas"), Widget::Checkboxes)
                    .options(plan_type.areas_of_need.iter().map(|a| (a.key.clone(), a.label.clone())).collect()),
            ];
            if !content.needs.is_empty() {
                fields.push(
                    Field::new("need_ids", "The needs this outcome addresses", Widget::Checkboxes).options(
                        content
                            .needs
                            .iter()
                            .map(|n| (n.id.to_string(), n.text.clone()))
                            .collect(),
                    ),
                );
            }
            if !content.aspirations.is_empty() {
                fields.push(
                    Field::new("aspiration_ids", section.label("aspirations"), Widget::Checkboxes).options(
                        content
                            .aspirations
                            .iter()
                            .map(|a| (a.id.to_string(), a.text.clone()))
                            .collect(),
                    ),
                );
            }
            fields.push(
                Field::new("supported_by", section.label("supported_by"), Widget::Checkboxes).options(vec![
                    ("education".into(), section.label("education").to_owned()),
                    ("health".into(), section.label("health").to_owned()),
                    ("social_care".into(), section.label("social_care").to_owned()),
                ]),
            );
            fields.push(Field::new(
                "measure",
                format!("{} (optional)", section.label("measure")),
                Widget::TextArea,
            ));
            fields
        }
        ItemKind::Step => vec![
            Field::new("text", section.label("steps"), Widget::TextArea)
                .hint("Steps are usually relevant for at least a year. Make them measurable.")
                .smart(),
            Field::new("service", "Expressed for (optional)", Widget::Radios).options(vec![
                ("".into(), "All services".into()),
                ("education".into(), "Education".into()),
                ("health".into(), "Health".into()),
                ("social_care".into(), "Social care".into()),
            ]),
        ],
        ItemKind::Target => vec![
            Field::new("text", section.label("targets"), Widget::TextArea)
                .hint("For example: Within the next 6 weeks, Leo will be able to …")
                .smart(),
            Field::new("by_when", "By when (optional)", Widget::Date).hint("For example, 2026-12-18"),
        ],
        ItemKind::Provision => vec![
            Field::new("outcome_ids", section.label("outcomes"), Widget::Checkboxes).options(outcome_options()),
            Field::new("what", section.label("what"), Widget::TextArea).hint(section.field_hint("what").unwrap_or("")),
            Field::new("party_id", section.label("who"), Widget::Select)
                .hint("One of the people involved. Add them to the plan first if they are not listed.")
                .options(
                    std::iter::once((String::new(), "Choose who".to_owned()))
                        .chain(plan.parties.iter().map(|p| {
                            (
                                p.id.to_string(),
                                format!("{} ({})", p.name, p.agency.as_deref().unwrap_or(p.role.label())),
                            )
                        }))
                        .collect(),
                ),
            Field::new("times", "How many times", Widget::Number).hint(section.label("how_often").to_owned()),
            Field::new("per", "Per", Widget::Select).options(
                std::iter::once((String::new(), "Choose".to_owned()))
                    .chain(
                        goldthread_domain::content::Per::ALL
                            .iter()
                            .map(|p| (p.as_str().to_owned(), p.label().to_owned())),
                    )
                    .collect(),
            ),
            Field::new("duration_minutes", "Minutes each time (optional)", Widget::Number),
            Field::new("from", section.label("from"), Widget::Date),
            Field::new("until", section.label("until"), Widget::Date),
            Field::new("resources", section.label("resources"), Widget::TextArea),
            Field::new("weekly_cost", section.label("weekly_cost"), Widget::Money).hint("In pounds, for example 95.00"),
            Field::new("funding", section.label("funding"), Widget::Select).options(
                std::iter::once((String::new(), "Choose".to_owned()))
                    .chain(
                        Funding::ALL
                            .iter()
                            .map(|f| (f.as_str().to_owned(), f.label().to_owned())),
                    )
                    .collect(),
            ),
        ],
        ItemKind::Risk => vec![
            Field::new("risk", section.label("risk"), Widget::TextArea),
            Field::new("identified", section.label("identified"), Widget::Select).options(
                std::iter::once((String::new(), "Choose".to_owned()))
                    .chain(
                        RiskSource::ALL
                            .iter()
                            .map(|r| (r.as_str().to_owned(), r.as_str().to_owned())),
                    )
                    .collect(),
            ),
            Field::new("triggers", section.label("triggers"), Widget::TextArea),
            Field::new("what_staff_do", section.label("what_staff_do"), Widget::TextArea),
            Field::new("what_i_do", section.label("what_i_do"), Widget::TextArea),
            Field::new("contingency", section.label("contingency"), Widget::TextArea),
        ],
        ItemKind::Appendix => vec![
            Field::new("category", "Category", Widget::Radios).options(
                section
                    .categories
                    .iter()
                    .map(|c| (c.key.clone(), c.label.clone()))
                    .collect(),
            ),
            Field::new("reference", section.label("reference"), Widget::Text)
                .hint("For example: Speech and language therapy report"),
            Field::new("date", section.label("date"), Widget::Date),
        ],
        ItemKind::BudgetItem => vec![
            Field::new("what", section.label("spent_on"), Widget::Text),
            Field::new("cost", "Cost", Widget::Money).hint("In pounds"),
            Field::new("period", "Every", Widget::Select).options(
                BudgetPeriod::ALL
                    .iter()
                    .map(|p| (p.as_str().to_owned(), p.as_str().to_owned()))
                    .collect(),
            ),
        ],
        ItemKind::Decision => vec![
            Field::new("decision", "Decision", Widget::Text),
            Field::new("who", "Who makes it", Widget::Text),
        ],
    }
}

/// Fills fields from an existing item.
fn item_values(item: &Item) -> Data {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| pairs.push((k.to_owned(), v));
    let d = |v: Option<time::Date>| v.map(|d| d.to_string()).unwrap_or_default();
    match item {
        Item::Strength(s) => {
            put("text", s.text.clone());
            put(
                "setting",
                match s.setting {
                    StrengthSetting::General => "general",
                    StrengthSetting::InSetting => "in_setting",
                    StrengthSetting::OutOfSetting => "out_of_setting",
                }
                .into(),
            );
        }
        Item::Need(n) => {
            put("area", n.area.clone());
            put("text", n.text.clone());
        }
        Item::Aspiration(a) => {
            put("term", if a.term == Term::Short { "short" } else { "long" }.into());
            put("text", a.text.clone());
        }
        Item::Outcome(o) => {
            put("text", o.text.clone());
            put("by_when", d(o.by_when));
            put("stage", o.stage.clone().unwrap_or_default());
            o.areas.iter().for_each(|a| put("areas", a.clone()));
            o.need_ids.iter().for_each(|a| put("need_ids", a.to_string()));
            o.aspiration_ids
                .iter()
                .for_each(|a| put("aspiration_ids", a.to_string()));
            if o.supported_by.education {
                put("supported_by", "education".into());
            }
            if o.supported_by.health {
                put("supported_by", "health".into());
            }
            if o.supported_by.social_care {
                put("supported_by", "social_care".into());
            }
            put("measure", o.measure.clone().unwrap_or_default());
        }
        Item::Step { step, .. } => {
            put("text", step.text.clone());
            put(
                "service",
                step.service
                    .map(|s| match s {
                        Service::Education => "education",
                        Service::Health => "health",
                        Service::SocialCare => "social_care",
                    })
                    .unwrap_or("")
                    .into(),
            );
        }
        Item::Target { target, .. } => {
            put("text", target.text.clone());
            put("by_when", d(target.by_when));
        }
        Item::Provision(p) => {
            p.outcome_ids.iter().for_each(|o| put("outcome_ids", o.to_string()));
            put("what", p.what.clone());
            put("party_id", p.party_id.map(|p| p.to_string()).unwrap_or_default());
            put("times", p.frequency.map(|f| f.times.to_string()).unwrap_or_default());
            put(
                "per",
                p.frequency.map(|f| f.per.as_str().to_owned()).unwrap_or_default(),
            );
            put(
                "duration_minutes",
                p.duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
            );
            put("from", d(p.from));
            put("until", d(p.until));
            put("resources", p.resources.clone().unwrap_or_default());
            put(
                "weekly_cost",
                p.weekly_cost_pence
                    .map(|c| format!("{}.{:02}", c / 100, c % 100))
                    .unwrap_or_default(),
            );
            put("funding", p.funding.map(|f| f.as_str().to_owned()).unwrap_or_default());
        }
        Item::Risk(r) => {
            put("risk", r.risk.clone());
            put(
                "identified",
                r.identified.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            );
            put("triggers", r.triggers.clone().unwrap_or_default());
            put("what_staff_do", r.what_staff_do.clone().unwrap_or_default());
            put("what_i_do", r.what_i_do.clone().unwrap_or_default());
            put("contingency", r.contingency.clone().unwrap_or_default());
        }
        Item::Appendix(a) => {
            put("category", a.category.clone());
            put("reference", a.reference.clone());
            put("date", d(a.date));
        }
        Item::BudgetItem(b) => {
            put("what", b.what.clone());
            put("cost", format!("{}.{:02}", b.cost_pence / 100, b.cost_pence % 100));
            put("period", b.period.as_str().into());
        }
        Item::Decision(x) => {
            put("decision", x.decision.clone());
            put("who", x.who.clone());
        }
    }
    Data(pairs)
}

/// Builds an item from a form: the form's own checks (dates, numbers,
/// money); the domain's rules come after.
fn item_from_form(
    kind: ItemKind,
    data: &Data,
    id: Uuid,
    parent: Option<Uuid>,
    section: &Section,
) -> Result<Item, FieldErrors> {
    let mut errors = FieldErrors::new();
    let item = match kind {
        ItemKind::Strength => Item::Strength(Strength {
            id,
            text: data.text("text"),
            setting: match data.get("setting") {
                Some("in_setting") => StrengthSetting::InSetting,
                Some("out_of_setting") => StrengthSetting::OutOfSetting,
                _ => StrengthSetting::General,
            },
        }),
        ItemKind::Need => {
            if data.get("area").is_none() {
                errors.add("area", "Choose the area of need");
            }
            Item::Need(Need {
                id,
                area: data.text("area"),
                text: data.text("text"),
            })
        }
        ItemKind::Aspiration => {
            let term = match data.get("term") {
                Some("short") => Term::Short,
                Some("long") => Term::Long,
                _ => {
                    errors.add("term", "Choose short term or long term");
                    Term::Short
                }
            };
            Item::Aspiration(Aspiration {
                id,
                term,
                whose: section.whose(),
                text: data.text("text"),
            })
        }
        ItemKind::Outcome => {
            let supported = data.all("supported_by");
            Item::Outcome(Outcome {
                id,
                text: data.text("text"),
                by_when: data.date("by_when", &mut errors),
                stage: data.opt("stage"),
                areas: data.all("areas"),
                need_ids: data.ids("need_ids", &mut errors),
                aspiration_ids: data.ids("aspiration_ids", &mut errors),
                supported_by: SupportedBy {
                    education: supported.iter().any(|s| s == "education"),
                    health: supported.iter().any(|s| s == "health"),
                    social_care: supported.iter().any(|s| s == "social_care"),
                },
                measure: data.opt("measure"),
                steps: vec![],
            })
        }
        ItemKind::Step => Item::Step {
            outcome_id: parent.unwrap_or_default(),
            step: Step {
                id,
                text: data.text("text"),
                service: match data.get("service") {
                    Some("education") => Some(Service::Education),
                    Some("health") => Some(Service::Health),
                    Some("social_care") => Some(Service::SocialCare),
                    _ => None,
                },
                targets: vec![],
            },
        },
        ItemKind::Target => Item::Target {
            step_id: parent.unwrap_or_default(),
            target: Target {
                id,
                text: data.text("text"),
                by_when: data.date("by_when", &mut errors),
            },
        },
        ItemKind::Provision => {
            let times = data.number("times", &mut errors);
            let per = data.get("per").and_then(goldthread_domain::content::Per::parse);
            let frequency = match (times, per) {
                (Some(times), Some(per)) => Some(Frequency { times, per }),
                (None, None) => None,
                (Some(_), None) => {
                    errors.add("per", "Choose per day, week, month…");
                    None
                }
                (None, Some(_)) => {
                    errors.add("times", "Enter how many times");
                    None
                }
            };
            let party_id = match data.get("party_id") {
                None => None,
                Some(value) => match Uuid::parse_str(value) {
                    Ok(id) => Some(id),
                    Err(_) => {
                        errors.add("party_id", "Choose who will do it from the list");
                        None
                    }
                },
            };
            Item::Provision(Provision {
                id,
                what: data.text("what"),
                party_id,
                frequency,
                duration_minutes: data.number("duration_minutes", &mut errors),
                from: data.date("from", &mut errors),
                until: data.date("until", &mut errors),
                resources: data.opt("resources"),
                weekly_cost_pence: data.money("weekly_cost", &mut errors),
                funding: data.get("funding").and_then(Funding::parse),
                outcome_ids: data.ids("outcome_ids", &mut errors),
                ended: None,
            })
        }
        ItemKind::Risk => Item::Risk(Risk {
            id,
            risk: data.text("risk"),
            identified: data.get("identified").and_then(RiskSource::parse),
            triggers: data.opt("triggers"),
            what_staff_do: data.opt("what_staff_do"),
            what_i_do: data.opt("what_i_do"),
            contingency: data.opt("contingency"),
        }),
        ItemKind::Appendix => Item::Appendix(Appendix {
            id,
            category: data.text("category"),
            reference: data.text("reference"),
            date: data.date("date", &mut errors),
            file: None,
        }),
        ItemKind::BudgetItem => {
            let cost = data.money("cost", &mut errors);
            if cost.is_none() && errors.get("cost").is_none() {
                errors.add("cost", "Enter the cost");
            }
            Item::BudgetItem(BudgetItem {
                id,
                what: data.text("what"),
                cost_pence: cost.unwrap_or(0),
                period: data
                    .get("period")
                    .and_then(BudgetPeriod::parse)
                    .unwrap_or(BudgetPeriod::Week),
            })
        }
        ItemKind::Decision => Item::Decision(Decision {
            id,
            decision: data.text("decision"),
            who: data.text("who"),
        }),
    };
    errors.into_result(item)
}

/// Which item kinds a section's forms add.
fn kinds_of(section: &Section) -> &'static [ItemKind] {
    match section.kind {
        SectionKind::Strengths => &[ItemKind::Strength],
        SectionKind::Needs => &[ItemKind::Need],
        SectionKind::Aspirations => &[ItemKind::Aspiration],
        SectionKind::Outcomes => &[ItemKind::Outcome, ItemKind::Step, ItemKind::Target],
        SectionKind::Provision => &[ItemKind::Provision],
        SectionKind::Risks => &[ItemKind::Risk],
        SectionKind::Appendices => &[ItemKind::Appendix],
        SectionKind::Budget => &[ItemKind::BudgetItem, ItemKind::Decision],
        _ => &[],
    }
}

fn fill(fields: &mut [Field], data: &Data, errors: &FieldErrors, kind: &str) {
    for field in fields.iter_mut() {
        if field.widget == Widget::Checkboxes {
            field.values = data.all(field.name);
        } else {
            field.value = data.text(field.name);
        }
        field.error = errors
            .0
            .iter()
            .find(|e| form_field(kind, &e.field) == field.name)
            .map(|e| e.message.clone());
        if field.smart.is_some() {
            field.smart = Some(SmartView::of(&field.value));
        }
    }
}

/// The errors as the form names them (for the summary's links).
fn form_errors(errors: FieldErrors, kind: &str, fields: &[Field]) -> FormErrors {
    let first = fields.first().map(|f| f.name).unwrap_or("text");
    FormErrors(FieldErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                let name = form_field(kind, &e.field);
                e.field = if fields.iter().any(|f| f.name == name) || name == "reason" {
                    name
                } else {
                    first.to_owned()
                };
                e
            })
            .collect(),
    ))
}

#[derive(Template)]
#[template(path = "plans/item_form.html")]
struct ItemPage {
    ctx: Ctx,
    view: super::plans::PlanView,
    title: String,
    caption: String,
    action: String,
    fields: Vec<Field>,
    errors: FormErrors,
    conflict: Vec<String>,
    base_version: i64,
    reason: String,
    remove_action: Option<String>,
    /// For a document: where to attach a file.
    attach_action: Option<String>,
    /// The file already attached.
    attached: Option<String>,
    cancel: String,
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    section: &str,
) -> Result<(super::plans::PlanView, Section), PageError> {
    let view = super::plans::load_view(state, user, id).await?;
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let section = plan_type.section(section).ok_or(PageError::NotFound)?.clone();
    if !user.user.role.can_write() {
        return Err(StoreError::Forbidden.into());
    }
    Ok((view, section))
}

#[derive(Deserialize, Default)]
struct ParentQuery {
    parent: Option<String>,
}

fn parent_of(kind: ItemKind, plan: &Plan, parent: Option<&str>) -> Result<Option<Uuid>, PageError> {
    match kind {
        ItemKind::Step => {
            let id = parent
                .and_then(|p| Uuid::parse_str(p).ok())
                .ok_or(PageError::NotFound)?;
            plan.content.outcome(id).ok_or(PageError::NotFound)?;
            Ok(Some(id))
        }
        ItemKind::Target => {
            let id = parent
                .and_then(|p| Uuid::parse_str(p).ok())
                .ok_or(PageError::NotFound)?;
            plan.content.step(id).ok_or(PageError::NotFound)?;
            Ok(Some(id))
        }
        _ => Ok(None),
    }
}

fn item_title(kind: ItemKind, plan: &Plan, parent: Option<Uuid>, new: bool) -> String {
    let verb = if new { "Add" } else { "Change" };
    match (kind, parent) {
        (ItemKind::Step, Some(outcome)) => {
            format!(
                "{verb} a step towards outcome {}",
                plan.content.outcome_number(outcome).unwrap_or(0)
            )
        }
        (ItemKind::Target, Some(step)) => match plan.content.step(step) {
            Some((o, s)) => format!(
                "{verb} a short-term target for “{}” (outcome {})",
                goldthread_domain::content::quote(&s.text).trim_matches(['“', '”']),
                plan.content.outcome_number(o.id).unwrap_or(0)
            ),
            None => format!("{verb} a target"),
        },
        (ItemKind::Provision, _) => format!("{verb} {}provision", if new { "" } else { "this " }),
        _ => {
            let noun = kind.noun();
            let article = if !new {
                "this"
            } else if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{verb} {article} {noun}")
        }
    }
}

fn section_kind_ok(section: &Section, kind: ItemKind) -> Result<(), PageError> {
    if kinds_of(section).contains(&kind) {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

async fn add_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind)): Path<(String, String, String)>,
    Query(query): Query<ParentQuery>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    let kind = ItemKind::parse(&kind).ok_or(PageError::NotFound)?;
    section_kind_ok(&section, kind)?;
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let parent = parent_of(kind, &view.plan, query.parent.as_deref())?;
    let mut fields = item_fields(kind, &section, &view.plan, plan_type);
    let mut initial = Data::default();
    if let Some(first) = fields.first()
        && (first.widget == Widget::Radios || first.widget == Widget::Select)
        && let Some(preset) = query_preset(&query)
    {
        initial.0.push((first.name.to_owned(), preset));
    }
    fill(&mut fields, &initial, &FieldErrors::new(), kind.as_str());
    let title = item_title(kind, &view.plan, parent, true);
    let action = format!(
        "/plans/{}/sections/{}/add/{}{}",
        view.plan.id,
        section.key,
        kind.as_str(),
        parent.map(|p| format!("?parent={p}")).unwrap_or_default()
    );
    render(&ItemPage {
        ctx: Ctx::for_user(&user, "plans"),
        caption: section.title(),
        cancel: format!("/plans/{}#{}", view.plan.id, section.key),
        base_version: view.plan.version,
        view,
        title,
        action,
        fields,
        errors: FormErrors::default(),
        conflict: vec![],
        reason: String::new(),
        remove_action: None,
        attach_action: None,
        attached: None,
    })
}

fn query_preset(_query: &ParentQuery) -> Option<String> {
    None
}

async fn add_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind)): Path<(String, String, String)>,
    Query(query): Query<ParentQuery>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    let kind = ItemKind::parse(&kind).ok_or(PageError::NotFound)?;
    section_kind_ok(&section, kind)?;
    let parent = parent_of(kind, &view.plan, query.parent.as_deref())?;
    let data = Data(pairs);
    let result = match item_from_form(kind, &data, Uuid::new_v4(), parent, &section) {
        Ok(item) => save(&state, &user, &view.plan, &data, Change::ItemAdded { item }).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    let title = item_title(kind, &view.plan, parent, true);
    let action = format!(
        "/plans/{}/sections/{}/add/{}{}",
        view.plan.id,
        section.key,
        kind.as_str(),
        parent.map(|p| format!("?parent={p}")).unwrap_or_default()
    );
    finish(&state, &user, view, &section, kind, data, result, title, action, None)
}

async fn save(
    state: &AppState,
    user: &CurrentUser,
    plan: &Plan,
    data: &Data,
    change: Change,
) -> Result<Plan, StoreError> {
    let base = data.get("base_version").and_then(|v| v.parse().ok()).unwrap_or(0);
    state
        .store
        .change_plan(
            &user.actor(),
            plan.id,
            base,
            data.get("reason"),
            change,
            &state.plan_types,
        )
        .await
}

#[allow(clippy::too_many_arguments)]
fn finish(
    state: &AppState,
    user: &CurrentUser,
    view: super::plans::PlanView,
    section: &Section,
    kind: ItemKind,
    data: Data,
    result: Result<Plan, StoreError>,
    title: String,
    action: String,
    remove_action: Option<String>,
) -> Result<Response, PageError> {
    match result {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}#{}", plan.id, section.key)).into_response()),
        Err(error) => {
            let base = data.get("base_version").and_then(|v| v.parse().ok()).unwrap_or(0);
            let (errors, conflict, base) = super::plans::refusal(error, base)?;
            let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
            let mut fields = item_fields(kind, section, &view.plan, plan_type);
            fill(&mut fields, &data, &errors, kind.as_str());
            let errors = form_errors(errors, kind.as_str(), &fields);
            let attach = attachment(&view.plan, kind, remove_action.as_deref());
            render_invalid(&ItemPage {
                ctx: Ctx::for_user(user, "plans"),
                caption: section.title(),
                cancel: format!("/plans/{}#{}", view.plan.id, section.key),
                view,
                title,
                action,
                fields,
                errors,
                conflict,
                base_version: base,
                reason: data.text("reason"),
                remove_action,
                attach_action: attach.0,
                attached: attach.1,
            })
        }
    }
}

/// An item of a plan's section, as the edit and remove forms need it.
struct Loaded {
    view: super::plans::PlanView,
    section: Section,
    kind: ItemKind,
    item_id: Uuid,
    item: Item,
    /// The outcome of a step, or the step of a target.
    parent: Option<Uuid>,
    /// The item's own address.
    base: String,
}

async fn load_item(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    section: &str,
    kind: &str,
    item: &str,
) -> Result<Loaded, PageError> {
    let (view, section) = load(state, user, id, section).await?;
    let kind = ItemKind::parse(kind).ok_or(PageError::NotFound)?;
    section_kind_ok(&section, kind)?;
    let item_id = parse_id(item)?;
    let item = view.plan.content.item(kind, item_id).ok_or(PageError::NotFound)?;
    let parent = match &item {
        Item::Step { outcome_id, .. } => Some(*outcome_id),
        Item::Target { step_id, .. } => Some(*step_id),
        _ => None,
    };
    let base = format!(
        "/plans/{}/sections/{}/items/{}/{}",
        view.plan.id,
        section.key,
        kind.as_str(),
        item_id
    );
    Ok(Loaded {
        view,
        section,
        kind,
        item_id,
        item,
        parent,
        base,
    })
}

async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind, item)): Path<(String, String, String, String)>,
) -> Result<Response, PageError> {
    let Loaded {
        view,
        section,
        kind,
        item_id: _,
        item,
        parent,
        base,
    } = load_item(&state, &user, &id, &section, &kind, &item).await?;
    let plan_type = state.plan_types.get(&view.plan.plan_type).ok_or(PageError::NotFound)?;
    let mut fields = item_fields(kind, &section, &view.plan, plan_type);
    fill(&mut fields, &item_values(&item), &FieldErrors::new(), kind.as_str());
    let remove = format!("{base}/remove");
    let attach = attachment(&view.plan, kind, Some(&remove));
    render(&ItemPage {
        ctx: Ctx::for_user(&user, "plans"),
        caption: section.title(),
        cancel: format!("/plans/{}#{}", view.plan.id, section.key),
        title: item_title(kind, &view.plan, parent, false),
        base_version: view.plan.version,
        view,
        action: base.clone(),
        fields,
        errors: FormErrors::default(),
        conflict: vec![],
        reason: String::new(),
        remove_action: Some(remove),
        attach_action: attach.0,
        attached: attach.1,
    })
}

async fn edit_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind, item)): Path<(String, String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Loaded {
        view,
        section,
        kind,
        item_id,
        item: existing,
        parent,
        base,
    } = load_item(&state, &user, &id, &section, &kind, &item).await?;
    let data = Data(pairs);
    let result = match item_from_form(kind, &data, item_id, parent, &section) {
        Ok(mut item) => {
            // An ended provision stays ended when its other details change.
            if let (Item::Provision(p), Item::Provision(old)) = (&mut item, &existing) {
                p.ended = old.ended.clone();
            }
            save(&state, &user, &view.plan, &data, Change::ItemEdited { item }).await
        }
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    let title = item_title(kind, &view.plan, parent, false);
    finish(
        &state,
        &user,
        view,
        &section,
        kind,
        data,
        result,
        title,
        base.clone(),
        Some(format!("{base}/remove")),
    )
}

async fn remove_item(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, kind, item)): Path<(String, String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Loaded {
        view,
        section,
        kind,
        item_id,
        item: existing,
        parent,
        base,
    } = load_item(&state, &user, &id, &section, &kind, &item).await?;
    let data = Data(pairs);
    let result = save(
        &state,
        &user,
        &view.plan,
        &data,
        Change::ItemRemoved {
            item_kind: kind,
            id: item_id,
        },
    )
    .await;
    let title = item_title(kind, &view.plan, parent, false);
    // On a refusal, show the item's own values again with the reason why.
    let mut values = item_values(&existing);
    values.0.extend(data.0);
    finish(
        &state,
        &user,
        view,
        &section,
        kind,
        values,
        result,
        title,
        base.clone(),
        Some(format!("{base}/remove")),
    )
}

/// For a document being edited: where to attach a file, and the file it has.
fn attachment(plan: &Plan, kind: ItemKind, remove_action: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(remove) = remove_action.filter(|_| kind == ItemKind::Appendix) else {
        return (None, None);
    };
    let item_id = remove
        .trim_end_matches("/remove")
        .rsplit('/')
        .next()
        .and_then(|i| Uuid::parse_str(i).ok());
    let attached = item_id
        .and_then(|id| plan.content.appendices.iter().find(|a| a.id == id))
        .and_then(|a| a.file.as_ref())
        .map(|f| format!("{} ({})", f.name, size(f.size)));
    (Some(remove.replace("/remove", "/file")), attached)
}

/// Attaches an uploaded file (the scanned signed copy, a report) to a
/// document of the plan: the file is stored, then the document changed to
/// point at it, so the change is in the plan's history.
async fn attach_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section, item)): Path<(String, String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    section_kind_ok(&section, ItemKind::Appendix)?;
    let item_id = parse_id(&item)?;
    let Some(Item::Appendix(existing)) = view.plan.content.item(ItemKind::Appendix, item_id) else {
        return Err(PageError::NotFound);
    };
    let mut data = Data::default();
    let mut upload: Option<(String, String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                return Err(PageError::Status(
                    e.status(),
                    "The upload could not be read; try again.".into(),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let content_type = field.content_type().unwrap_or("").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| PageError::Status(e.status(), "The upload could not be read; try again.".into()))?;
            upload = Some((file_name, content_type, bytes.to_vec()));
        } else if let Ok(text) = field.text().await {
            data.0.push((name, text));
        }
    }
    let result = match upload {
        Some((name, content_type, bytes)) if !name.is_empty() => {
            match state
                .store
                .save_file(&user.actor(), view.plan.id, &name, &content_type, &bytes)
                .await
            {
                Ok(file) => {
                    let item = Item::Appendix(Appendix {
                        file: Some(file),
                        ..existing.clone()
                    });
                    save(&state, &user, &view.plan, &data, Change::ItemEdited { item }).await
                }
                Err(e) => Err(e),
            }
        }
        _ => Err(StoreError::Invalid(FieldErrors::single("file", "Choose a file"))),
    };
    let base = format!(
        "/plans/{}/sections/{}/items/appendix/{}",
        view.plan.id, section.key, item_id
    );
    let title = item_title(ItemKind::Appendix, &view.plan, None, false);
    let mut values = item_values(&Item::Appendix(existing));
    values.0.extend(data.0);
    finish(
        &state,
        &user,
        view,
        &section,
        ItemKind::Appendix,
        values,
        result,
        title,
        base.clone(),
        Some(format!("{base}/remove")),
    )
}

/// Downloads a file of a plan the user may see.
async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (file, bytes) = state
        .store
        .file(&user.actor(), parse_id(&id)?, parse_id(&file)?)
        .await?;
    Ok(file_response(&file, bytes))
}

/// A file as a download: never shown inline, never sniffed.
pub fn file_response(file: &FileRef, bytes: Vec<u8>) -> Response {
    let safe_name: String = file
        .name
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let ascii: String = safe_name.chars().map(|c| if c.is_ascii() { c } else { '_' }).collect();
    (
        [
            (axum::http::header::CONTENT_TYPE, file.content_type.clone()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

// --- Text sections ----------------------------------------------------------

#[derive(Template)]
#[template(path = "plans/texts_form.html")]
struct TextsPage {
    ctx: Ctx,
    view: super::plans::PlanView,
    caption: String,
    action: String,
    fields: Vec<Field>,
    written_by: Option<Field>,
    helped_by: String,
    errors: FormErrors,
    conflict: Vec<String>,
    base_version: i64,
    reason: String,
    cancel: String,
}

fn texts_fields(section: &Section) -> (Vec<Field>, Option<Field>) {
    let fields = section
        .prompts
        .iter()
        .map(|p| {
            let mut f = Field::new("", p.label.clone(), Widget::TextArea);
            f.hint = p.hint.clone().unwrap_or_default();
            f.value = String::new();
            f.options = vec![(p.key.clone(), p.key.clone())];
            f
        })
        .collect();
    let written_by = (!section.written_by.is_empty()).then(|| {
        Field::new("written_by", "Written by", Widget::Radios).options(
            section
                .written_by
                .iter()
                .map(|w| (w.as_str().to_owned(), w.label().to_owned()))
                .collect(),
        )
    });
    (fields, written_by)
}

async fn texts_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    if section.kind != SectionKind::Text {
        return Err(PageError::NotFound);
    }
    let (mut fields, mut written_by) = texts_fields(&section);
    for field in &mut fields {
        field.value = view
            .plan
            .content
            .texts
            .get(&field.options[0].0)
            .cloned()
            .unwrap_or_default();
    }
    let authorship = view.plan.content.authorship.get(&section.key);
    if let (Some(field), Some(a)) = (written_by.as_mut(), authorship) {
        field.value = a.written_by.as_str().to_owned();
    }
    render(&TextsPage {
        ctx: Ctx::for_user(&user, "plans"),
        caption: section.title(),
        action: format!("/plans/{}/sections/{}/texts", view.plan.id, section.key),
        cancel: format!("/plans/{}#{}", view.plan.id, section.key),
        helped_by: authorship.and_then(|a| a.helped_by.clone()).unwrap_or_default(),
        base_version: view.plan.version,
        view,
        fields,
        written_by,
        errors: FormErrors::default(),
        conflict: vec![],
        reason: String::new(),
    })
}

async fn save_texts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    if section.kind != SectionKind::Text {
        return Err(PageError::NotFound);
    }
    let data = Data(pairs);
    let mut texts = BTreeMap::new();
    for prompt in &section.prompts {
        texts.insert(prompt.key.clone(), data.text(&prompt.key));
    }
    let authorship = data
        .get("written_by")
        .and_then(|w| w.parse::<WrittenBy>().ok())
        .map(|written_by| Authorship {
            written_by,
            helped_by: data.opt("helped_by"),
        });
    let result = save(
        &state,
        &user,
        &view.plan,
        &data,
        Change::TextsSet {
            section: section.key.clone(),
            texts,
            authorship,
        },
    )
    .await;
    match result {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}#{}", plan.id, section.key)).into_response()),
        Err(error) => {
            let (errors, conflict, base) = super::plans::refusal(
                error,
                data.get("base_version").and_then(|v| v.parse().ok()).unwrap_or(0),
            )?;
            let (mut fields, mut written_by) = texts_fields(&section);
            for field in &mut fields {
                field.value = data.text(&field.options[0].0);
                field.error = errors.get(&field.options[0].0).map(str::to_owned);
            }
            if let Some(field) = written_by.as_mut() {
                field.value = data.text("written_by");
            }
            render_invalid(&TextsPage {
                ctx: Ctx::for_user(&user, "plans"),
                caption: section.title(),
                action: format!("/plans/{}/sections/{}/texts", view.plan.id, section.key),
                cancel: format!("/plans/{}#{}", view.plan.id, section.key),
                helped_by: data.text("helped_by"),
                view,
                fields,
                written_by,
                errors: FormErrors(errors),
                conflict,
                base_version: base,
                reason: data.text("reason"),
            })
        }
    }
}

// --- Single-record sections -------------------------------------------------

fn record_fields(section: &Section, plan: &Plan) -> Vec<Field> {
    let content = &plan.content;
    let mut values = Data::default();
    let mut put = |k: &str, v: String| values.0.push((k.to_owned(), v));
    let yn = |v: Option<bool>| match v {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => String::new(),
    };
    let d = |v: Option<time::Date>| v.map(|d| d.to_string()).unwrap_or_default();
    let mut fields = match section.kind {
        SectionKind::Budget => {
            if let Some(b) = &content.budget {
                put(
                    "amount",
                    format!("{}.{:02}", b.amount_pence / 100, b.amount_pence % 100),
                );
                put("period", b.period.as_str().into());
                put("management", b.management.clone().unwrap_or_default());
                put("in_control", b.in_control.clone().unwrap_or_default());
            }
            vec![
                Field::new("amount", section.label("amount"), Widget::Money).hint("In pounds"),
                Field::new("period", section.label("period"), Widget::Select).options(
                    BudgetPeriod::ALL
                        .iter()
                        .map(|p| (p.as_str().to_owned(), format!("a {}", p.as_str())))
                        .collect(),
                ),
                Field::new("management", section.label("management"), Widget::Text)
                    .hint("For example: a direct payment to Amir, managed with help from Layla"),
                Field::new("in_control", section.label("in_control"), Widget::TextArea),
            ]
        }
        SectionKind::OtherPlans => {
            for p in &content.other_plans {
                put("plans", p.kind.as_str().into());
            }
            if let Some(c) = content.other_plans.iter().find_map(|p| p.consent.as_ref()) {
                put("consent_by", c.given_by.clone());
                put("consent_date", c.date.to_string());
            }
            vec![
                Field::new("plans", section.label("intro"), Widget::Checkboxes).options(
                    OtherPlanKind::ALL
                        .iter()
                        .map(|k| (k.as_str().to_owned(), section.label(k.as_str()).to_owned()))
                        .collect(),
                ),
                Field::new("consent_by", section.label("signed"), Widget::Text)
                    .hint(section.label("consent").to_owned()),
                Field::new("consent_date", "Date consent was given", Widget::Date),
            ]
        }
        SectionKind::SocialCareChecklist => {
            let c = content.social_care_checklist.clone().unwrap_or_default();
            put("esa_or_taf_in_place", yn(c.esa_or_taf_in_place));
            put("may_benefit_from_early_support", yn(c.may_benefit_from_early_support));
            put("notes", c.notes.unwrap_or_default());
            vec![
                Field::new("esa_or_taf_in_place", "1. Is an Early Support Assessment being undertaken, or is there a Team Around the Family plan (TAF) already in place?", Widget::YesNo).options(options_yes_no()),
                Field::new("may_benefit_from_early_support", "2. Does this discussion alert you that the child/young person and their family might benefit from some early support?", Widget::YesNo).options(options_yes_no()),
                Field::new("notes", "Notes (optional)", Widget::TextArea),
            ]
        }
        SectionKind::HealthChecklist => {
            let c = content.health_checklist.clone().unwrap_or_default();
            for p in &c.professionals {
                put("professionals", p.as_str().into());
            }
            put("other", c.other.clone().unwrap_or_default());
            put("health_care_plan", yn(c.health_care_plan));
            put("may_need_health_care_plan", yn(c.may_need_health_care_plan));
            put("therapist_involved", yn(c.therapist_involved));
            put("may_benefit_from_referral", yn(c.may_benefit_from_referral));
            put("actions_summary", c.actions_summary.clone().unwrap_or_default());
            put("date", d(c.date));
            put("signed", c.signed.clone().unwrap_or_default());
            vec![
                Field::new("professionals", section.label("professionals"), Widget::Checkboxes)
                    .options(HealthProfessional::ALL.iter().map(|p| (p.as_str().to_owned(), section.label(p.as_str()).to_owned())).collect()),
                Field::new("other", section.label("other_specify"), Widget::Text),
                Field::new("health_care_plan", section.label("q1a"), Widget::YesNo).options(options_yes_no()),
                Field::new("may_need_health_care_plan", "1b. Does this discussion alert you that the child/young person has medical needs that may require a Health Care Plan?", Widget::YesNo).options(options_yes_no()),
                Field::new("therapist_involved", "2a. Is a Speech and Language Therapist (SALT), Occupational Therapist (OT) and/or Physiotherapist (PT) involved?", Widget::YesNo).options(options_yes_no()),
                Field::new("may_benefit_from_referral", "2b. Might the child/young person and their family benefit from a SALT/PT/OT referral?", Widget::YesNo).options(options_yes_no()),
                Field::new("actions_summary", "5. Please summarise any actions you have taken to link the MSP with health involvement", Widget::TextArea),
                Field::new("date", section.label("date"), Widget::Date),
                Field::new("signed", section.label("signed"), Widget::Text),
            ]
        }
        SectionKind::CompulsoryMeasures => {
            if let Some(m) = &content.compulsory_measures {
                put("in_place", yn(Some(m.in_place)));
                put("measure", m.measure.clone().unwrap_or_default());
                put("made_by", m.made_by.clone().unwrap_or_default());
                put("date", d(m.date));
                put("review_date", d(m.review_date));
                put("details", m.details.clone().unwrap_or_default());
            }
            vec![
                Field::new("in_place", "Are any compulsory measures in place?", Widget::YesNo)
                    .options(options_yes_no()),
                Field::new("measure", section.label("measure"), Widget::Text)
                    .hint("For example, a Compulsory Supervision Order"),
                Field::new("made_by", section.label("made_by"), Widget::Text),
                Field::new("date", section.label("date"), Widget::Date),
                Field::new("review_date", section.label("review_date"), Widget::Date),
                Field::new("details", section.label("details"), Widget::TextArea),
            ]
        }
        _ => vec![],
    };
    fill(&mut fields, &values, &FieldErrors::new(), "record");
    fields
}

fn record_from_form(section: &Section, data: &Data) -> Result<Change, FieldErrors> {
    let mut errors = FieldErrors::new();
    let change = match section.kind {
        SectionKind::Budget => {
            let amount = data.money("amount", &mut errors);
            if amount.is_none() && errors.get("amount").is_none() {
                errors.add("amount", "Enter the budget amount");
            }
            Change::BudgetSet {
                budget: Some(Budget {
                    amount_pence: amount.unwrap_or(0),
                    period: data
                        .get("period")
                        .and_then(BudgetPeriod::parse)
                        .unwrap_or(BudgetPeriod::Year),
                    management: data.opt("management"),
                    in_control: data.opt("in_control"),
                }),
            }
        }
        SectionKind::OtherPlans => {
            let consent_date = data.date("consent_date", &mut errors);
            let consent = match (data.opt("consent_by"), consent_date) {
                (Some(given_by), Some(date)) => Some(Consent { given_by, date }),
                (None, None) => None,
                (Some(_), None) => {
                    errors.add("consent_date", "Enter the date consent was given");
                    None
                }
                (None, Some(_)) => {
                    errors.add("consent_by", "Say who gave consent");
                    None
                }
            };
            let mut plans = Vec::new();
            for value in data.all("plans") {
                match OtherPlanKind::parse(&value) {
                    Some(kind) => plans.push(OtherPlan {
                        kind,
                        consent: consent.clone(),
                        notes: None,
                    }),
                    None => errors.add("plans", "Choose from the list"),
                }
            }
            Change::OtherPlansSet { plans }
        }
        SectionKind::SocialCareChecklist => Change::SocialCareChecklistSet {
            checklist: Some(SocialCareChecklist {
                esa_or_taf_in_place: data.yes_no("esa_or_taf_in_place"),
                may_benefit_from_early_support: data.yes_no("may_benefit_from_early_support"),
                notes: data.opt("notes"),
            }),
        },
        SectionKind::HealthChecklist => {
            let mut professionals = Vec::new();
            for value in data.all("professionals") {
                match HealthProfessional::parse(&value) {
                    Some(p) => professionals.push(p),
                    None => errors.add("professionals", "Choose from the list"),
                }
            }
            Change::HealthChecklistSet {
                checklist: Some(HealthChecklist {
                    professionals,
                    other: data.opt("other"),
                    health_care_plan: data.yes_no("health_care_plan"),
                    may_need_health_care_plan: data.yes_no("may_need_health_care_plan"),
                    therapist_involved: data.yes_no("therapist_involved"),
                    may_benefit_from_referral: data.yes_no("may_benefit_from_referral"),
                    actions_summary: data.opt("actions_summary"),
                    date: data.date("date", &mut errors),
                    signed: data.opt("signed"),
                }),
            }
        }
        SectionKind::CompulsoryMeasures => {
            let in_place = match data.yes_no("in_place") {
                Some(v) => v,
                None => {
                    errors.add("in_place", "Say whether any compulsory measures are in place");
                    false
                }
            };
            Change::CompulsoryMeasuresSet {
                measures: Some(CompulsoryMeasures {
                    in_place,
                    measure: data.opt("measure"),
                    made_by: data.opt("made_by"),
                    date: data.date("date", &mut errors),
                    review_date: data.date("review_date", &mut errors),
                    details: data.opt("details"),
                }),
            }
        }
        _ => return Err(FieldErrors::single("section", "This section has no form")),
    };
    errors.into_result(change)
}

fn has_record_form(section: &Section) -> bool {
    matches!(
        section.kind,
        SectionKind::Budget
            | SectionKind::OtherPlans
            | SectionKind::SocialCareChecklist
            | SectionKind::HealthChecklist
            | SectionKind::CompulsoryMeasures
    )
}

async fn record_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    if !has_record_form(&section) {
        return Err(PageError::NotFound);
    }
    let fields = record_fields(&section, &view.plan);
    render(&ItemPage {
        ctx: Ctx::for_user(&user, "plans"),
        caption: section.heading.clone(),
        title: section.title(),
        action: format!("/plans/{}/sections/{}/record", view.plan.id, section.key),
        cancel: format!("/plans/{}#{}", view.plan.id, section.key),
        base_version: view.plan.version,
        view,
        fields,
        errors: FormErrors::default(),
        conflict: vec![],
        reason: String::new(),
        remove_action: None,
        attach_action: None,
        attached: None,
    })
}

async fn save_record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, section)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (view, section) = load(&state, &user, &id, &section).await?;
    if !has_record_form(&section) {
        return Err(PageError::NotFound);
    }
    let data = Data(pairs);
    let result = match record_from_form(&section, &data) {
        Ok(change) => save(&state, &user, &view.plan, &data, change).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(plan) => Ok(Redirect::to(&format!("/plans/{}#{}", plan.id, section.key)).into_response()),
        Err(error) => {
            let base = data.get("base_version").and_then(|v| v.parse().ok()).unwrap_or(0);
            let (errors, conflict, base) = super::plans::refusal(error, base)?;
            let mut fields = record_fields(&section, &view.plan);
            fill(&mut fields, &data, &errors, "record");
            let errors = form_errors(errors, "record", &fields);
            render_invalid(&ItemPage {
                ctx: Ctx::for_user(&user, "plans"),
                caption: section.heading.clone(),
                title: section.title(),
                action: format!("/plans/{}/sections/{}/record", view.plan.id, section.key),
                cancel: format!("/plans/{}#{}", view.plan.id, section.key),
                view,
                fields,
                errors,
                conflict,
                base_version: base,
                reason: data.text("reason"),
                remove_action: None,
                attach_action: None,
                attached: None,
            })
        }
    }
}

// --- SMART as you type ------------------------------------------------------

#[derive(Deserialize)]
struct SmartForm {
    text: Option<String>,
}

/// For the page script: the SMART check of what is being typed. Behind the
/// session and the CSRF guard like any form post; it reads no personal data.
async fn smart_check(_user: CurrentUser, Form(form): Form<SmartForm>) -> axum::Json<SmartReport> {
    axum::Json(smart::check(form.text.as_deref().unwrap_or("")))
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
