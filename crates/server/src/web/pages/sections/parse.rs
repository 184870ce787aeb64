//! From a submitted form to an item: the form's own checks (dates,
//! numbers, money) before the domain's rules.

use goldthread_domain::content::*;
use goldthread_domain::error::FieldErrors;
use goldthread_domain::plan_type::{Section, SectionKind};
use uuid::Uuid;

use crate::web::pages::FormErrors;

use super::fields::{Field, Widget, form_field};
use super::views::SmartView;

/// A form body as pairs, keeping repeated names (checkboxes).
#[derive(Default)]
pub struct Data(pub(super) Vec<(String, String)>);

impl Data {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    pub(super) fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_owned()
    }

    pub(super) fn opt(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// A GOV.UK date input's three boxes (`name-day`, `name-month`,
    /// `name-year`), as typed.
    fn date_parts(&self, name: &str) -> [&str; 3] {
        ["day", "month", "year"].map(|part| self.get(&format!("{name}-{part}")).unwrap_or(""))
    }

    /// A date as typed, for showing the form again: the three boxes joined
    /// "year-month-day" (what [`Field::date_part`] splits), or else the
    /// single ISO box `name` (as the API's clients and old forms send it).
    pub(super) fn date_text(&self, name: &str) -> String {
        match self.date_parts(name) {
            ["", "", ""] => self.text(name),
            [day, month, year] => format!("{year}-{month}-{day}"),
        }
    }

    /// A date from the three boxes of a GOV.UK date input, with its error
    /// messages naming the field by its label in `fields` ("Date by which it
    /// will be done must include a month"); or from a single ISO box.
    pub(super) fn date(&self, name: &str, fields: &[Field], errors: &mut FieldErrors) -> Option<time::Date> {
        let [day, month, year] = self.date_parts(name);
        if [day, month, year].iter().all(|p| p.is_empty()) {
            return goldthread_domain::error::optional_date(errors, name, self.get(name));
        }
        let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)]
            .iter()
            .filter(|(_, typed)| typed.is_empty())
            .map(|(part, _)| *part)
            .collect();
        if !missing.is_empty() {
            let label = fields
                .iter()
                .find(|f| f.name == name)
                .map(|f| {
                    f.label
                        .trim_end_matches("(optional)")
                        .trim()
                        .trim_end_matches('?')
                        .to_owned()
                })
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| "The date".to_owned());
            errors.add(name, format!("{label} must include a {}", missing.join(" and a ")));
            return None;
        }
        let number = |p: &str, max_len: usize| p.len() <= max_len && p.chars().all(|c| c.is_ascii_digit());
        if !(number(day, 2) && number(month, 2) && year.len() == 4 && number(year, 4)) {
            errors.add(name, "Enter a real date, for example 27 3 2027");
            return None;
        }
        let iso = format!("{year}-{month:0>2}-{day:0>2}");
        match time::Date::parse(&iso, &time::format_description::well_known::Iso8601::DATE) {
            Ok(date) => Some(date),
            Err(_) => {
                errors.add(name, "Enter a real date, for example 27 3 2027");
                None
            }
        }
    }

    pub(super) fn number(&self, name: &str, errors: &mut FieldErrors) -> Option<u32> {
        let value = self.get(name)?;
        match value.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add(name, "Enter a whole number, like 3");
                None
            }
        }
    }

    /// "£95", "95.50", "1,200" → pence, read by the domain's one money
    /// parser ("12,50" is refused: "use a full stop for pence").
    pub(super) fn money(&self, name: &str, errors: &mut FieldErrors) -> Option<i64> {
        let value = self.get(name)?;
        match goldthread_domain::money::parse(value, goldthread_domain::money::Sign::NotNegative) {
            Ok(pence) => Some(pence),
            Err(e) => {
                errors.add(name, e.message());
                None
            }
        }
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

    pub(super) fn yes_no(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        }
    }
}

/// Builds an item from a form: the form's own checks (dates, numbers,
/// money); the domain's rules come after.
pub(super) fn item_from_form(
    kind: ItemKind,
    data: &Data,
    id: Uuid,
    parent: Option<Uuid>,
    section: &Section,
    fields: &[Field],
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
                by_when: data.date("by_when", fields, &mut errors),
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
                by_when: data.date("by_when", fields, &mut errors),
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
                from: data.date("from", fields, &mut errors),
                until: data.date("until", fields, &mut errors),
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
            date: data.date("date", fields, &mut errors),
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
pub(super) fn kinds_of(section: &Section) -> &'static [ItemKind] {
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

pub(super) fn fill(fields: &mut [Field], data: &Data, errors: &FieldErrors, kind: &str) {
    for field in fields.iter_mut() {
        if field.widget == Widget::Checkboxes {
            field.values = data.all(field.name);
        } else if field.widget == Widget::Date {
            field.value = data.date_text(field.name);
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
pub(super) fn form_errors(errors: FieldErrors, kind: &str, fields: &[Field]) -> FormErrors {
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
