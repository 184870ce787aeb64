//! Plan types as data (SPEC §2): which sections a plan's form shows, in which
//! order, under which headings, with which labels, hints and limits.
//!
//! A plan's content is one model for every type. A plan type is a TOML file
//! (`crates/domain/plan-types/*.toml`) that decides how that content is laid
//! out as a form: YP, SH, PB (with its person-led blank sheet PB-BLANK), MSP
//! and CP ship with Goldthread; an organisation may add its own with
//! [`Registry::add`].
//!
//! # The file
//!
//! ```toml
//! id = "MSP"                    # uppercase letters, digits, hyphens
//! name = "My Support Plan (Kirklees, V2f)"
//! short_name = "My Support Plan"
//! description = "One line."
//! schema_version = 1
//!
//! [[areas_of_need]]             # what needs and outcomes are tagged with
//! key = "cognition_learning"
//! label = "Cognition and Learning"
//!
//! [reviews]                     # see ReviewRules; every field optional
//! formal_interval_weeks = 13
//! numbered_markers = true
//! new_plan_after_review = 3
//!
//! [[sections]]
//! kind = "text"                 # a SectionKind
//! key = "profile"               # unique within the type
//! heading = "Section 1: About me"
//! subheading = "a) my profile"
//! required = true
//! written_by = ["me", "me_with_help"]
//! labels = { written_by = "My profile has been written by:" }
//! prompts = [
//!   { key = "admire", label = "What people like and admire about me" },
//! ]
//! ```
//!
//! `labels` and `hints` rename and explain the fields of the section's kind
//! ([`SectionKind::fields`] lists them with their default wording); a text
//! prompt's `key` is one of [`TEXT_KEYS`]; `areas` (needs and outcomes) name
//! the type's areas of need; `categories` (appendices), `written_by` (text,
//! strengths, needs, aspirations), `whose` (aspirations) and `statement`
//! (agreement) belong to their kinds only. Unknown fields are refused.
//!
//! Consecutive sections with the same `heading` and `subheading` print as one
//! block on the form, as MSP's "Section 1: About me – a) my profile" holds
//! text prompts, strengths and aspirations; the block's `written_by` is given
//! on its first section.
//!
//! Loading checks all of this and reports the first problem with the file
//! name, the line and column, and the field: see [`PlanTypeError`].

mod load;
mod print;
mod vocab;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use load::{PlanTypeError, PlanTypeErrorKind, parse};
pub use print::{DEFAULT_CONFIDENTIALITY, PrintLayout, PrintTable};
pub(crate) use vocab::name_enum;
pub use vocab::{Field, SectionKind, TEXT_KEYS, TextKey, UnknownName, Whose, WrittenBy, text_key};

/// The only file schema version this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// A plan type: the form a plan is written, shown and printed on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanType {
    /// Stable identifier: uppercase letters, digits and hyphens ("MSP").
    pub id: String,
    /// Full name of the form.
    pub name: String,
    /// Short name for menus and lists.
    pub short_name: String,
    /// One line on who uses it and what for.
    pub description: String,
    /// The file schema version; must be [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The areas of need needs and outcomes are tagged with, in form order.
    #[serde(default)]
    pub areas_of_need: Vec<AreaOfNeed>,
    /// How plans of this type are reviewed.
    #[serde(default)]
    pub reviews: ReviewRules,
    /// Party roles this type's form offers besides the general ones (CP:
    /// `named_person`; MSP: `teaching_assistant`, `family_support_worker`).
    #[serde(default)]
    pub party_roles: Vec<crate::plan::PartyRole>,
    /// For a person-led "blank sheet" type: the id of the official form
    /// its plans are later transferred onto (PB-BLANK: `PB`), see
    /// [`crate::transfer`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_form: Option<String>,
    /// The sections of the form, in order.
    pub sections: Vec<Section>,
    /// Deadlines that run from an event, besides the formal review
    /// ([`crate::monitoring::clocks`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<crate::monitoring::clocks::ClockRule>,
    /// Whether plans of the type need funding approval, and by whom
    /// ([`crate::approval`]).
    #[serde(default)]
    pub approval: crate::approval::ApprovalRules,
    /// How plans of the type print (the optional `[print]` table).
    #[serde(default)]
    pub print: PrintLayout,
    /// How long closed plans of the type are kept (the optional
    /// `[retention]` table; without it they are kept until one is set),
    /// see [`crate::retention`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<crate::retention::RetentionRule>,
}

/// An area of need ("Cognition and Learning", "Housing", …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaOfNeed {
    /// snake_case, unique within the type.
    pub key: String,
    /// As the form writes it.
    pub label: String,
    /// A short explanation.
    #[serde(default)]
    pub hint: Option<String>,
}

/// How plans of a type are reviewed (SPEC §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRules {
    /// Whether a weekly support review is held (SH).
    #[serde(default)]
    pub weekly: bool,
    /// The fixed questions of the weekly review, in order.
    #[serde(default)]
    pub weekly_questions: Vec<ReviewQuestion>,
    /// Default weeks between formal reviews; a plan may set its own.
    #[serde(default = "default_interval_weeks")]
    pub formal_interval_weeks: u32,
    /// Questions asked at every formal review, besides progress per outcome.
    #[serde(default)]
    pub formal_questions: Vec<ReviewQuestion>,
    /// How progress towards an outcome is rated at a formal review.
    #[serde(default = "default_progress_ratings")]
    pub progress_ratings: Vec<ProgressRating>,
    /// Changes made at review n are marked Rn with the review's date (MSP).
    #[serde(default)]
    pub numbered_markers: bool,
    /// The formal review that produces a new plan with the next plan number
    /// (MSP: 3); history stays on the previous plan.
    #[serde(default)]
    pub new_plan_after_review: Option<u32>,
    /// The safety plan is in force from the plan's first day (SH).
    #[serde(default)]
    pub safety_plan_from_day_one: bool,
    /// Ended or outdated parts are struck through, never deleted (SH, MSP).
    #[serde(default)]
    pub strike_through: bool,
    /// The person signs and dates the plan at each formal review (SH).
    #[serde(default)]
    pub sign_at_review: bool,
}

fn default_interval_weeks() -> u32 {
    13
}

fn default_progress_ratings() -> Vec<ProgressRating> {
    [
        ("met", "Met"),
        ("partly_met", "Partly met"),
        ("not_met", "Not met"),
        ("needs_changing", "Needs to be changed"),
    ]
    .into_iter()
    .map(|(key, label)| ProgressRating {
        key: key.into(),
        label: label.into(),
    })
    .collect()
}

impl Default for ReviewRules {
    fn default() -> Self {
        ReviewRules {
            weekly: false,
            weekly_questions: Vec::new(),
            formal_interval_weeks: default_interval_weeks(),
            formal_questions: Vec::new(),
            progress_ratings: default_progress_ratings(),
            numbered_markers: false,
            new_plan_after_review: None,
            safety_plan_from_day_one: false,
            strike_through: false,
            sign_at_review: false,
        }
    }
}

/// A question of a review ("Last week" – "Did we do what we planned?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewQuestion {
    /// snake_case, unique within its list; answers are stored under it.
    pub key: String,
    /// The question, or its short title when `detail` is given.
    pub label: String,
    /// The question itself, after a short title.
    #[serde(default)]
    pub detail: Option<String>,
}

impl ReviewQuestion {
    /// The question as one line: "Last week – Did we do what we planned?".
    pub fn text(&self) -> String {
        match &self.detail {
            Some(detail) => format!("{} – {}", self.label, detail),
            None => self.label.clone(),
        }
    }
}

/// A rating of progress towards an outcome ("partly met").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressRating {
    /// snake_case, unique within the list.
    pub key: String,
    /// As the form writes it.
    pub label: String,
}

/// One section of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// What the section holds.
    pub kind: SectionKind,
    /// snake_case, unique within the type; content and gaps refer to it.
    pub key: String,
    /// The form's heading ("Section 1: About me").
    pub heading: String,
    /// The form's subheading ("a) my profile").
    #[serde(default)]
    pub subheading: Option<String>,
    /// A short hint under the heading.
    #[serde(default)]
    pub hint: Option<String>,
    /// Whether the official form needs this section filled in.
    #[serde(default)]
    pub required: bool,
    /// The most items the section may hold (MSP: 7 outcomes).
    #[serde(default)]
    pub max_items: Option<u32>,
    /// The form's wording for fields of the kind, by field key.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Short hints for fields of the kind, by field key.
    #[serde(default)]
    pub hints: BTreeMap<String, String>,
    /// Text sections: the prompts, in order.
    #[serde(default)]
    pub prompts: Vec<Prompt>,
    /// Needs and outcomes sections: the areas of need offered (keys of the
    /// type's `areas_of_need`); empty offers all of them.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Appendices: the document categories, in order.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Who may be recorded as having written the section.
    #[serde(default)]
    pub written_by: Vec<WrittenBy>,
    /// Aspirations: whose they are (absent: the person's).
    #[serde(default)]
    pub whose: Option<Whose>,
    /// Agreement: the statement of commitment each party agrees to.
    #[serde(default)]
    pub statement: Option<String>,
}

/// A free-text prompt of a text section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Prompt {
    /// One of [`TEXT_KEYS`], unique within the type.
    pub key: String,
    /// The form's wording.
    pub label: String,
    /// A short hint.
    #[serde(default)]
    pub hint: Option<String>,
}

/// A category of documents in the appendices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// snake_case, unique within the section.
    pub key: String,
    /// The form's wording ("Family/Young person").
    pub label: String,
    /// A short hint ("Reference (and date) eg. Health Care Plan").
    #[serde(default)]
    pub hint: Option<String>,
}

impl PlanType {
    /// The title a new plan for someone called `name` gets when none is
    /// given: "Daniel's support plan". A short name in sentence case
    /// ("Support plan") is lower-cased inside the title, without a leading
    /// "My" ("My plan" gives "Daniel's plan"); a proper name ("My Support
    /// Plan") is kept as it is.
    pub fn default_title(&self, name: &str) -> String {
        let short = self.short_name.trim();
        let proper_name = short
            .split_whitespace()
            .skip(1)
            .any(|w| w.starts_with(char::is_uppercase));
        let short = match short.strip_prefix("My ") {
            Some(rest) if !proper_name => rest,
            _ => short,
        };
        let mut chars = short.chars();
        let short = match chars.next() {
            Some(first) if !proper_name => first.to_lowercase().chain(chars).collect(),
            _ => short.to_owned(),
        };
        format!("{name}'s {short}")
    }

    /// The section `key`.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// The sections of `kind`, in form order.
    pub fn sections_of(&self, kind: SectionKind) -> impl Iterator<Item = &Section> + '_ {
        self.sections.iter().filter(move |s| s.kind == kind)
    }

    /// The most outcomes a plan may hold, if the form limits them.
    pub fn max_outcomes(&self) -> Option<u32> {
        self.sections_of(SectionKind::Outcomes).find_map(|s| s.max_items)
    }

    /// The area of need `key`.
    pub fn area(&self, key: &str) -> Option<&AreaOfNeed> {
        self.areas_of_need.iter().find(|a| a.key == key)
    }

    /// The areas a needs or outcomes section offers, in the type's order.
    pub fn areas_for<'a>(&'a self, section: &'a Section) -> impl Iterator<Item = &'a AreaOfNeed> {
        self.areas_of_need
            .iter()
            .filter(move |a| section.areas.is_empty() || section.areas.contains(&a.key))
    }

    /// The needs section that offers `area`, if any.
    pub fn needs_section_for(&self, area: &str) -> Option<&Section> {
        self.sections_of(SectionKind::Needs).find(|s| s.offers_area(area))
    }

    /// Every text prompt with its section, in form order.
    pub fn prompts(&self) -> impl Iterator<Item = (&Section, &Prompt)> + '_ {
        self.sections.iter().flat_map(|s| s.prompts.iter().map(move |p| (s, p)))
    }

    /// The prompt under text key `key`, with its section.
    pub fn prompt(&self, key: &str) -> Option<(&Section, &Prompt)> {
        self.prompts().find(|(_, p)| p.key == key)
    }

    /// The aspirations section holding `whose` aspirations.
    pub fn aspirations_section(&self, whose: Whose) -> Option<&Section> {
        self.sections_of(SectionKind::Aspirations).find(|s| s.whose() == whose)
    }
}

impl Section {
    /// The form's wording for `field`: the type's label, else the kind's
    /// default, else the field key itself.
    pub fn label<'a>(&'a self, field: &'a str) -> &'a str {
        self.labels
            .get(field)
            .map(String::as_str)
            .or_else(|| self.kind.field(field).map(|f| f.label))
            .unwrap_or(field)
    }

    /// Whether the plan type groups strengths by where they show (in and
    /// out of a school or setting): only when it names those groups.
    pub fn groups_strengths_by_setting(&self) -> bool {
        self.labels.contains_key("in_setting") || self.labels.contains_key("out_of_setting")
    }

    /// The type's hint for `field`.
    pub fn field_hint(&self, field: &str) -> Option<&str> {
        self.hints.get(field).map(String::as_str)
    }

    /// The prompt `key` of a text section.
    pub fn prompt(&self, key: &str) -> Option<&Prompt> {
        self.prompts.iter().find(|p| p.key == key)
    }

    /// Whether a needs or outcomes section offers `area`.
    pub fn offers_area(&self, area: &str) -> bool {
        self.areas.is_empty() || self.areas.iter().any(|a| a == area)
    }

    /// Whose aspirations an aspirations section holds.
    pub fn whose(&self) -> Whose {
        self.whose.unwrap_or(Whose::Person)
    }

    /// The heading with its subheading, as one line.
    pub fn title(&self) -> String {
        match &self.subheading {
            Some(sub) => format!("{} – {}", self.heading, sub),
            None => self.heading.clone(),
        }
    }
}

/// A part of a form with no content (see [`gaps`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Gap {
    /// The section's key.
    pub section_key: String,
    /// The section's heading, with its subheading.
    pub heading: String,
    /// What is missing, in the form's words: the prompt of a text section,
    /// else the section's subheading or heading.
    pub label: String,
    /// The section's kind.
    pub kind: SectionKind,
    /// For a text section, the missing prompt's text key.
    pub text_key: Option<String>,
    /// Whether the official form needs it.
    pub required: bool,
}

/// Viewing a plan on another type's form (PB: the person-led "blank sheet"
/// transferred onto the official form): which parts of `onto` have no
/// content, in form order. `has_content` answers for a section kind and, for
/// text sections, a text key.
pub fn gaps(onto: &PlanType, has_content: impl Fn(SectionKind, Option<&str>) -> bool) -> Vec<Gap> {
    gaps_by_section(onto, |section, prompt| {
        has_content(section.kind, prompt.map(|p| p.key.as_str()))
    })
}

/// [`gaps`] for a caller that tells sections of the same kind apart (MSP's
/// three needs sections, the person's and the parents' aspirations):
/// `has_content` is asked for each section and, for text sections, each
/// prompt.
pub fn gaps_by_section(onto: &PlanType, has_content: impl Fn(&Section, Option<&Prompt>) -> bool) -> Vec<Gap> {
    let mut out = Vec::new();
    for section in &onto.sections {
        let gap = |label: &str, text_key: Option<&str>| Gap {
            section_key: section.key.clone(),
            heading: section.title(),
            label: label.to_owned(),
            kind: section.kind,
            text_key: text_key.map(str::to_owned),
            required: section.required,
        };
        if section.kind == SectionKind::Text {
            for prompt in &section.prompts {
                if !has_content(section, Some(prompt)) {
                    out.push(gap(&prompt.label, Some(&prompt.key)));
                }
            }
        } else if !has_content(section, None) {
            let label = section.subheading.as_deref().unwrap_or(&section.heading);
            out.push(gap(label, None));
        }
    }
    out
}

/// The plan types shipped with Goldthread, in the order [`Registry::all`]
/// lists them: (file name, file text).
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("yp.toml", include_str!("../../plan-types/yp.toml")),
    ("sh.toml", include_str!("../../plan-types/sh.toml")),
    ("pb.toml", include_str!("../../plan-types/pb.toml")),
    ("pb-blank.toml", include_str!("../../plan-types/pb-blank.toml")),
    ("msp.toml", include_str!("../../plan-types/msp.toml")),
    ("cp.toml", include_str!("../../plan-types/cp.toml")),
];

#[derive(Debug, Clone)]
struct Entry {
    plan_type: PlanType,
    source: String,
    builtin: bool,
}

/// The plan types an installation offers: the shipped ones and an
/// organisation's own.
///
/// [`Registry::add`] with the id of a shipped type replaces that type (an
/// organisation adapting, say, MSP to its own version of the form) and keeps
/// its place in the list; adding a second type with the id of one already
/// added is refused, since two files claiming one id is a mistake.
#[derive(Debug, Clone)]
pub struct Registry {
    builtins: Vec<Entry>,
    added: BTreeMap<String, Entry>,
}

impl Registry {
    /// The shipped types: YP, SH, PB, PB-BLANK, MSP, CP (parsed once, then
    /// cloned).
    pub fn builtin() -> Registry {
        Registry::shipped().clone()
    }

    /// The shipped types, shared and never changed.
    pub fn shipped() -> &'static Registry {
        static SHIPPED: OnceLock<Registry> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            let builtins = BUILTIN_FILES
                .iter()
                .map(|(name, text)| Entry {
                    plan_type: parse(name, text).unwrap_or_else(|e| panic!("shipped plan type is invalid: {e}")),
                    source: (*name).to_owned(),
                    builtin: true,
                })
                .collect();
            Registry {
                builtins,
                added: BTreeMap::new(),
            }
        })
    }

    /// Adds an organisation's own type from a file's text. `source_name`
    /// (usually the file name) names it in errors. A type with a shipped
    /// type's id replaces it; one with the id of a type added before is an
    /// error.
    pub fn add(&mut self, source_name: &str, text: &str) -> Result<(), PlanTypeError> {
        let plan_type = parse(source_name, text)?;
        let entry = Entry {
            source: source_name.to_owned(),
            plan_type,
            builtin: false,
        };
        let id = entry.plan_type.id.clone();
        if let Some(earlier) = self.added.get(&id) {
            return Err(PlanTypeError::duplicate_id(source_name, &id, &earlier.source));
        }
        if let Some(slot) = self.builtins.iter_mut().find(|e| e.plan_type.id == id) {
            if !slot.builtin {
                return Err(PlanTypeError::duplicate_id(source_name, &id, &slot.source));
            }
            *slot = entry;
        } else {
            self.added.insert(id, entry);
        }
        Ok(())
    }

    /// The type `id`.
    pub fn get(&self, id: &str) -> Option<&PlanType> {
        self.entries().find(|e| e.plan_type.id == id).map(|e| &e.plan_type)
    }

    /// Every type: the shipped ones in their fixed order (YP, SH, PB,
    /// PB-BLANK, MSP, CP, each possibly replaced), then the others by id.
    pub fn all(&self) -> impl Iterator<Item = &PlanType> + '_ {
        self.entries().map(|e| &e.plan_type)
    }

    /// Whether `id` is a shipped type that has not been replaced.
    pub fn is_builtin(&self, id: &str) -> bool {
        self.entries().any(|e| e.plan_type.id == id && e.builtin)
    }

    /// The source name the type `id` was loaded from.
    pub fn source(&self, id: &str) -> Option<&str> {
        self.entries().find(|e| e.plan_type.id == id).map(|e| e.source.as_str())
    }

    fn entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.builtins.iter().chain(self.added.values())
    }
}
