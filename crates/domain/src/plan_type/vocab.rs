//! The fixed vocabulary that plan-type files use: section kinds, who wrote a
//! section, the canonical text keys and the field names of each section kind.
//!
//! A plan type can rename anything a person reads (headings, labels, hints),
//! but the names below are the model's: content is stored under them, so they
//! stay stable across types and versions.

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

/// A name that is not one of an enum's spellings; `Display` says which were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being named ("section kind", "written-by option", …).
    pub what: &'static str,
    /// The name as written.
    pub found: String,
    /// Every accepted spelling, in order.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} \"{}\"; expected one of {}",
            self.what,
            self.found,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// A closed set of snake_case names: serialised as the name, parsed with an
/// error that lists every accepted name.
macro_rules! name_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        // Every name is the snake_case of its variant (a unit test checks);
        // the container-level rename is what the OpenAPI schema reads.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every spelling, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The snake_case name used in files and JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value with this name, if there is one.
            pub fn parse(name: &str) -> Option<$name> {
                name.parse().ok()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::plan_type::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::plan_type::UnknownName { what: $what, found: s.to_owned(), expected: Self::NAMES }),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use name_enum;

name_enum! {
    /// What a section of a plan holds. A plan type lists sections of these
    /// kinds; the plan model has one place for each kind's content.
    pub enum SectionKind ("section kind") {
        /// Name, known as, date of birth, setting, photo, communication (from
        /// the person record).
        PersonDetails = "person_details",
        /// A group of free-text prompts, each under a canonical text key.
        Text = "text",
        /// Strengths and interests.
        Strengths = "strengths",
        /// Needs, each tagged with an area of need.
        Needs = "needs",
        /// Aspirations: short term (6–12 months) and long term.
        Aspirations = "aspirations",
        /// Outcomes with steps and short-term targets.
        Outcomes = "outcomes",
        /// Provision / actions: what, who, how often, cost, funding.
        Provision = "provision",
        /// Risks and the safety plan.
        Risks = "risks",
        /// The personal budget.
        Budget = "budget",
        /// Other plans already in place, with consent.
        OtherPlans = "other_plans",
        /// MSP checklist 10: social care / early support.
        SocialCareChecklist = "social_care_checklist",
        /// MSP checklist 11: health.
        HealthChecklist = "health_checklist",
        /// Documents that inform the plan, by category.
        Appendices = "appendices",
        /// Compulsory measures (Child's Plan).
        CompulsoryMeasures = "compulsory_measures",
        /// Everyone involved, one of them the Lead Professional.
        Parties = "parties",
        /// Planning meetings with action points.
        Meetings = "meetings",
        /// Review arrangements and the record of reviews.
        Reviews = "reviews",
        /// Every party's agreement to the plan.
        Agreement = "agreement",
    }
}

name_enum! {
    /// Who wrote a section ("My profile has been written by: Me / Me with
    /// help from …").
    pub enum WrittenBy ("written-by option") {
        Me = "me",
        MeWithHelp = "me_with_help",
        MyParent = "my_parent",
        MyCarer = "my_carer",
        ParentWithHelp = "parent_with_help",
        Practitioner = "practitioner",
        CircleOfSupport = "circle_of_support",
    }
}

impl WrittenBy {
    /// How the option reads on a form.
    pub fn label(self) -> &'static str {
        match self {
            WrittenBy::Me => "Me",
            WrittenBy::MeWithHelp => "Me with help from …",
            WrittenBy::MyParent => "My parent",
            WrittenBy::MyCarer => "My carer",
            WrittenBy::ParentWithHelp => "My parent with help from …",
            WrittenBy::Practitioner => "A practitioner",
            WrittenBy::CircleOfSupport => "My circle of support",
        }
    }
}

name_enum! {
    /// Whose aspirations an aspirations section holds.
    pub enum Whose ("aspirations owner") {
        /// The person's own (the default).
        Person = "person",
        /// The parents' or carers' aspirations for the person.
        Parent = "parent",
    }
}

/// A canonical text key: where a free-text answer is stored, whatever a form
/// calls it. Content written under a key on one type's form shows under the
/// same key on another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct TextKey {
    /// snake_case, stable.
    pub key: &'static str,
    /// A plain default wording, used where a form gives none.
    pub label: &'static str,
}

const fn tk(key: &'static str, label: &'static str) -> TextKey {
    TextKey { key, label }
}

/// Every text key a `text` prompt may use.
pub const TEXT_KEYS: &[TextKey] = &[
    // About me, now
    tk("current_situation", "Overview of my current situation"),
    tk("important_to_me", "What is important to me"),
    tk("admire", "What people like and admire about me"),
    tk("working", "What is working"),
    tk("not_working", "What is not working"),
    tk("make_better", "What would make things better for me"),
    tk("want_to_change", "What I want to change or achieve"),
    tk("challenges", "Challenges that may affect progress"),
    tk("communication", "When and how I communicate best, and what help I need"),
    tk(
        "presenting_information",
        "How information and choices need to be presented to me",
    ),
    tk("passions", "My passions"),
    tk("interests", "My interests"),
    tk("skills", "My skills"),
    tk("expectations", "What we expect of each other"),
    // My story
    tk("story_growing_up", "Growing up"),
    tk("people_helping", "People involved in helping and supporting me"),
    tk(
        "feelings_school_home",
        "How I feel at school or my setting, and how I feel and behave at home",
    ),
    tk("other_about_me", "Anything else that is important to know about me"),
    // My family and connections
    tk("family_home", "My family at home / extended family"),
    tk("community_connections", "My connections in the wider community"),
    tk(
        "appointment_barriers",
        "Times, days or barriers that make it hard to attend appointments",
    ),
    tk(
        "other_about_family",
        "Anything else that is important to know about my family",
    ),
    // Parents' and carers' views
    tk("parent_important", "What is important for my child now"),
    tk("parent_not_working", "What is not working so well for my child"),
    tk("parent_make_better", "What would make things better for my child"),
    // Needs in prose
    tk("needs_summary", "A summary of my needs"),
    tk("health_needs", "My health needs"),
    tk("social_care_needs", "My social care needs"),
    // Support, control and action
    tk("how_supported", "How I will be supported or cared for"),
    tk("staying_in_control", "How I will stay in control"),
    tk("decisions", "Who will make important decisions"),
    tk("putting_into_action", "How the plan will be put into action"),
    // Child's Plan
    tk("reasons_for_plan", "Reasons for the plan"),
    tk("views_child", "The views of the child or young person"),
    tk("views_parents", "The views of parents or carers"),
    // Looking ahead
    tk("contingency", "Contingency plans"),
    tk("move_on", "Moving on"),
    tk("review_arrangements", "Arrangements for reviewing the plan"),
    tk("how_we_will_know", "How will we know?"),
];

/// The text key named `key`, if it is one.
pub fn text_key(key: &str) -> Option<&'static TextKey> {
    TEXT_KEYS.iter().find(|k| k.key == key)
}

/// A field of a section kind that a plan type may label or hint
/// (`labels.what = "What needs to happen to help me achieve this outcome?"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Field {
    /// The field's name in the plan model, snake_case.
    pub key: &'static str,
    /// The wording used where a plan type does not override it.
    pub label: &'static str,
}

const fn f(key: &'static str, label: &'static str) -> Field {
    Field { key, label }
}

const PERSON_DETAILS: &[Field] = &[
    f("name", "Name"),
    f("known_as", "Known as"),
    f("date_of_birth", "Date of birth"),
    f("setting", "Setting"),
    f("photo", "Photo"),
    f("communication", "How I communicate best"),
    f(
        "presenting_information",
        "How information and choices should be presented to me",
    ),
    f("plan_number", "Plan number"),
    f("plan_date", "Date of plan"),
];

const TEXT: &[Field] = &[f("written_by", "Written by"), f("with_help_from", "with help from")];

const STRENGTHS: &[Field] = &[
    f("title", "Strengths and interests"),
    f("item", "Strength or interest"),
    f("in_setting", "In school/setting"),
    f("out_of_setting", "Out of school/setting"),
];

const NEEDS: &[Field] = &[
    f("title", "Needs"),
    f("summary", "A summary of my needs"),
    f("need", "Need"),
    f("area", "Area of need"),
];

const ASPIRATIONS: &[Field] = &[
    f("title", "My goals and aspirations for the future"),
    f("short_term", "Short term – the next 6–12 months"),
    f("long_term", "Long term"),
];

const OUTCOMES: &[Field] = &[
    f("title", "Outcomes"),
    f("number", "No. of outcome"),
    f("text", "What I will be able to do"),
    f("by_when", "By when"),
    f("areas", "The area(s) of my needs this outcome will address"),
    f("aspirations", "The aspiration(s) this outcome moves towards"),
    f("supported_by", "Supported by"),
    f("education", "Education"),
    f("health", "Health"),
    f("social_care", "Social Care"),
    f("measure", "How will we know?"),
    f("steps", "Steps towards this outcome"),
    f("targets", "Short term targets"),
    f("progress", "Progress so far"),
];

const PROVISION: &[Field] = &[
    f("title", "Provision"),
    f("outcomes", "Outcome(s) this supports"),
    f("what", "What needs to happen"),
    f("who", "Who will do it?"),
    f("agency", "Agency"),
    f("how_often", "How often? (frequency and duration)"),
    f("from", "From"),
    f("until", "Until"),
    f("resources", "Resources required"),
    f("weekly_cost", "Weekly cost"),
    f("funding", "Funding source"),
];

const RISKS: &[Field] = &[
    f("title", "Risks and safety plan"),
    f("risk", "Risk"),
    f("identified", "Where identified (referral, assessment, review)"),
    f("triggers", "Triggers and warning signs"),
    f("what_staff_do", "What staff do"),
    f("what_i_do", "What I do for myself"),
    f("contingency", "Contingency plan"),
    f("checked", "Last checked"),
];

const BUDGET: &[Field] = &[
    f("title", "Personal budget"),
    f("amount", "Amount"),
    f("period", "Period"),
    f("spent_on", "What it will be spent on"),
    f("management", "How the budget is managed"),
    f("in_control", "How I stay in control"),
    f("decisions", "Who makes which decisions"),
    f("committed", "Committed costs"),
    f("remaining", "Remaining"),
];

const OTHER_PLANS: &[Field] = &[
    f("intro", "Other plans in place"),
    f("taf", "Team around the Family (TAF) Plan"),
    f("child_in_need", "Child in Need Plan"),
    f("child_protection", "Child Protection Plan"),
    f("pep", "Personal Education Plan (PEP)"),
    f("looked_after_child", "Looked After Child Care Plan"),
    f("health_care_plan", "Health Care Plan"),
    f("consent", "Consent to use information from these plans"),
    f("signed", "Signed by parent/carer"),
];

const SOCIAL_CARE_CHECKLIST: &[Field] = &[
    f(
        "q1",
        "1. Is there already an Early Support Assessment being undertaken or a Team Around the Family plan (TAF) in place?",
    ),
    f(
        "q2",
        "2. Might the child/young person and their family benefit from some early support?",
    ),
    f("q2a", "a) Early Support Assessment (ESA)"),
    f("q2b", "b) Team Around the Family (TAF)"),
    f("yes", "Yes"),
    f("no", "No"),
];

const HEALTH_CHECKLIST: &[Field] = &[
    f("professionals", "Please tick all the Health professionals involved."),
    f("school_nurse", "School Nurse"),
    f("nurse_specialist", "Nurse Specialist"),
    f("speech_and_language_therapist", "Speech and Language Therapist"),
    f("physiotherapist", "Physiotherapist"),
    f("occupational_therapist", "Occupational Therapist"),
    f("health_visitor_cdc", "Health visitor/CDC"),
    f("paediatrician", "Paediatrician"),
    f("camhs_chews", "CAMHS/CHEWs worker"),
    f("gp", "GP"),
    f("other", "Other"),
    f("other_specify", "If other please specify"),
    f("health_care_plans", "1. Health Care Plans"),
    f("q1a", "1a. Does the child/young person have a Health Care Plan?"),
    f(
        "q1b",
        "1b. Might the child/young person have medical needs that require a Health Care Plan?",
    ),
    f("therapies", "2. Therapies"),
    f(
        "q2a",
        "2a. Is a Speech and Language Therapist (SALT), Occupational Therapist (OT) and/or Physiotherapist (PT) involved?",
    ),
    f(
        "q2b",
        "2b. Might the child/young person and their family benefit from a SALT/PT/OT referral?",
    ),
    f(
        "summary",
        "5. Please summarise any actions you have taken to link the plan with health involvement",
    ),
    f("date", "Date"),
    f("signed", "Signed"),
    f("yes", "Yes"),
    f("no", "No"),
];

const APPENDICES: &[Field] = &[f("reference", "Reference"), f("date", "Date"), f("file", "File")];

const COMPULSORY_MEASURES: &[Field] = &[
    f("title", "Compulsory measures"),
    f("measure", "Compulsory measure"),
    f("made_by", "Made by"),
    f("date", "Date made"),
    f("review_date", "Review date"),
    f("details", "Details"),
];

const PARTIES: &[Field] = &[
    f("title", "People involved"),
    f("name", "Name"),
    f("role", "Role"),
    f("agency", "Agency"),
    f("relationship", "Relationship"),
    f("contact", "Contact"),
    f("lead_professional", "Lead Professional"),
    f("named_person", "Named Person"),
];

const MEETINGS: &[Field] = &[
    f("title", "Planning meetings"),
    f("date", "Date"),
    f("chair", "Chair"),
    f("attendees", "Who attended"),
    f("notes", "Notes"),
    f("action", "Action point"),
    f("owner", "Who"),
    f("due", "By when"),
    f("followed_up", "Followed up"),
];

const REVIEWS: &[Field] = &[
    f("title", "Reviews"),
    f("date", "Date of review"),
    f("next_review", "Date of next review"),
    f("interval", "How often the plan is reviewed"),
    f("first_review", "1st review (R1)"),
    f("second_review", "2nd review (R2)"),
    f("third_review", "3rd review"),
    f("number", "No. of outcome"),
    f("progress", "Progress towards outcomes"),
    f("views", "My views"),
    f("changes", "Changes made"),
    f("weekly", "Weekly support review"),
    f("formal", "Formal review"),
    f("signed", "Signed and dated"),
];

const AGREEMENT: &[Field] = &[
    f("title", "Agreement"),
    f("name", "Name"),
    f("role", "Role"),
    f("signature", "Signature"),
    f("date", "Date"),
    f("agreed", "I agree to this plan"),
    f("not_agreed_reason", "Not yet agreed because"),
    f("copy_received", "Copy received"),
];

impl SectionKind {
    /// The fields a plan type may label or hint in a section of this kind,
    /// with their default wording.
    pub fn fields(self) -> &'static [Field] {
        match self {
            SectionKind::PersonDetails => PERSON_DETAILS,
            SectionKind::Text => TEXT,
            SectionKind::Strengths => STRENGTHS,
            SectionKind::Needs => NEEDS,
            SectionKind::Aspirations => ASPIRATIONS,
            SectionKind::Outcomes => OUTCOMES,
            SectionKind::Provision => PROVISION,
            SectionKind::Risks => RISKS,
            SectionKind::Budget => BUDGET,
            SectionKind::OtherPlans => OTHER_PLANS,
            SectionKind::SocialCareChecklist => SOCIAL_CARE_CHECKLIST,
            SectionKind::HealthChecklist => HEALTH_CHECKLIST,
            SectionKind::Appendices => APPENDICES,
            SectionKind::CompulsoryMeasures => COMPULSORY_MEASURES,
            SectionKind::Parties => PARTIES,
            SectionKind::Meetings => MEETINGS,
            SectionKind::Reviews => REVIEWS,
            SectionKind::Agreement => AGREEMENT,
        }
    }

    /// The field `key` of this kind, if it has one.
    pub fn field(self, key: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// Whether a plan type may hold more than one section of this kind
    /// (text groups; needs split by area; the person's and the parents'
    /// aspirations).
    pub fn repeatable(self) -> bool {
        matches!(self, SectionKind::Text | SectionKind::Needs | SectionKind::Aspirations)
    }

    /// Whether the section holds a list whose length `max_items` may limit.
    pub fn is_list(self) -> bool {
        !matches!(
            self,
            SectionKind::PersonDetails
                | SectionKind::Text
                | SectionKind::Budget
                | SectionKind::SocialCareChecklist
                | SectionKind::HealthChecklist
        )
    }
}
