//! Single-record sections: one form for the whole section (consent,
//! meeting details, and the like).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::content::*;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan::{Change, Plan};
use goldthread_domain::plan_type::{Section, SectionKind};

use crate::store::StoreError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::pages::plans::{Done, saved_url};
use crate::web::pages::{Ctx, FormErrors, render, render_invalid};
use crate::web::session::CurrentUser;

use super::fields::{Field, Widget, options_yes_no};
use super::items::ItemPage;
use super::parse::{Data, fill, form_errors};
use super::{edit_again, load, refusal, save};
use crate::web::pages::conflict::ConflictView;

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
                put("amount", goldthread_domain::money::for_input(b.amount_pence));
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

fn record_from_form(section: &Section, data: &Data, fields: &[Field]) -> Result<Change, FieldErrors> {
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
            let consent_date = data.date("consent_date", fields, &mut errors);
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
                    date: data.date("date", fields, &mut errors),
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
                    date: data.date("date", fields, &mut errors),
                    review_date: data.date("review_date", fields, &mut errors),
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

pub(super) async fn record_page(
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
        conflict: ConflictView::default(),
        reason: String::new(),
        remove_action: None,
        attach_action: None,
        attached: None,
    })
}

pub(super) async fn save_record(
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
    let result = match record_from_form(&section, &data, &record_fields(&section, &view.plan)) {
        Ok(change) => save(&state, &user, &view.plan, &data, change).await,
        Err(errors) => Err(StoreError::Invalid(errors)),
    };
    match result {
        Ok(plan) if edit_again(&data) => {
            Ok(Redirect::to(&format!("/plans/{}/sections/{}/record", plan.id, section.key)).into_response())
        }
        Ok(plan) => Ok(Redirect::to(&saved_url(plan.id, "record", Done::Changed, &section.key)).into_response()),
        Err(error) => {
            let (errors, conflict, base) = refusal(error, &data)?;
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
