//! Form field specifications: which fields a form for each kind of item
//! has, with the plan type's own labels, and their values from an item.

use goldthread_domain::content::*;
use goldthread_domain::plan::Plan;
use goldthread_domain::plan_type::{PlanType, Section};

use super::parse::Data;
use super::views::SmartView;

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
    pub(super) fn new(name: &'static str, label: impl Into<String>, widget: Widget) -> Field {
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

    pub(super) fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = hint.into();
        self
    }

    pub(super) fn options(mut self, options: Vec<(String, String)>) -> Field {
        self.options = options;
        self
    }

    pub(super) fn smart(mut self) -> Field {
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

/// The form's own names for domain fields that it types in differently.
pub(super) fn form_field(kind: &str, domain_field: &str) -> String {
    match (kind, domain_field) {
        (_, "weekly_cost_pence") => "weekly_cost".into(),
        (_, "cost_pence") => "cost".into(),
        (_, "amount_pence") => "amount".into(),
        (_, "frequency") => "times".into(),
        ("outcome", "steps" | "targets") => "text".into(),
        _ => domain_field.to_owned(),
    }
}

pub(super) fn options_yes_no() -> Vec<(String, String)> {
    vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())]
}

/// The fields of a form for an item of `kind` in `section`.
pub(super) fn item_fields(kind: ItemKind, section: &Section, plan: &Plan, plan_type: &PlanType) -> Vec<Field> {
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
pub(super) fn item_values(item: &Item) -> Data {
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
                    .map(goldthread_domain::money::for_input)
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
            put("cost", goldthread_domain::money::for_input(b.cost_pence));
            put("period", b.period.as_str().into());
        }
        Item::Decision(x) => {
            put("decision", x.decision.clone());
            put("who", x.who.clone());
        }
    }
    Data(pairs)
}
