//! The document model of a printed plan: plain, serialisable data with
//! every word already chosen (headings as the form writes them, dates in
//! words, "ended at R2, 12 March 2027"). The server builds it from a plan,
//! its plan type, agreements and reviews; the renderers only lay it out, so
//! a PDF and any other format say the same thing.

use serde::{Deserialize, Serialize};

/// A plan as printed on one plan type's form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The document's title, on its first page and in its metadata
    /// ("My Support Plan").
    pub title: String,
    /// The full name of the form it is printed on.
    pub form: String,
    /// The person the plan is for, as in the header of every page.
    pub person: String,
    /// "Plan number 2", in the header of every page.
    pub plan_number: String,
    /// The plan's own title, when it differs from the document's.
    #[serde(default)]
    pub plan_title: Option<String>,
    /// Facts under the title: status, start date, version, printed on.
    #[serde(default)]
    pub facts: Vec<Pair>,
    /// Said before the sections, e.g. that the plan is shown on another
    /// type's form and what that form still needs.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The form's sections, in its order.
    #[serde(default)]
    pub sections: Vec<Section>,
    /// The footer of every page, beside "Page N of M".
    pub confidentiality: String,
    #[serde(default)]
    pub style: Style,
}

/// A label and its value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    pub label: String,
    pub value: String,
}

impl Pair {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Pair {
        Pair {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// One section of the form: its heading (given on the first section of a
/// block that shares it), subheading and what it holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Section {
    #[serde(default)]
    pub heading: Option<String>,
    #[serde(default)]
    pub subheading: Option<String>,
    #[serde(default)]
    pub blocks: Vec<Block>,
}

/// What a section holds, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A prompt and its answer, or a plain paragraph.
    Paragraph {
        #[serde(default)]
        label: Option<String>,
        text: String,
    },
    /// Labels and values, one row each.
    Fields { rows: Vec<Pair> },
    /// A labelled list of items (strengths, needs in an area…).
    List {
        #[serde(default)]
        label: Option<String>,
        items: Vec<Item>,
    },
    /// A table whose header row repeats on every page it runs onto.
    Table(Table),
    /// A short remark in small type ("Nothing recorded yet").
    Note { text: String },
    /// A review held: in the form's reviews section, else in a section of
    /// its own after the form's.
    Review(ReviewRecord),
    /// One party's signature block: in the form's agreement section, else
    /// in a section of its own at the end.
    Signature(Signature),
    /// A picture (the golden thread) with its words.
    Picture(Picture),
}

/// An item of a list, with its review markers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub text: String,
    /// Shown after the text: "(by 12 March 2027)", who, how much.
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default, flatten)]
    pub marks: Marks,
}

/// Review markers of an item or a table row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    /// "R1, 12 March 2027": added at that formal review.
    #[serde(default)]
    pub added: Option<String>,
    /// "Ended at R2, 12 March 2027: reason": the item is struck through
    /// and these words say so.
    #[serde(default)]
    pub ended: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Said above the table (and to screen readers).
    #[serde(default)]
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// A last line under the table ("Total: £120.00 a week").
    #[serde(default)]
    pub footer: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub label: String,
    /// Its share of the width (a fraction); 0 for as narrow as its content.
    #[serde(default)]
    pub width: f32,
}

impl Column {
    pub fn new(label: impl Into<String>, width: f32) -> Column {
        Column {
            label: label.into(),
            width,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub cells: Vec<String>,
    /// The markers print in the row's widest column (the first with a
    /// width), after its text.
    #[serde(default, flatten)]
    pub marks: Marks,
}

/// A review as printed: its title, facts, answers and ratings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// "Formal review R1, 19 October 2026".
    pub title: String,
    #[serde(default)]
    pub facts: Vec<Pair>,
    #[serde(default)]
    pub answers: Vec<Pair>,
    /// Progress towards each outcome, at a formal review.
    #[serde(default)]
    pub ratings: Option<Table>,
}

/// One party's signature block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The party's name.
    pub name: String,
    /// Their role ("Parent or carer", "SENCO") and agency.
    pub role: String,
    /// "Agreed", "Declined", "Not yet agreed"…
    pub status: String,
    /// The agreement's details: signed as, how (on screen, on a signed
    /// paper copy, on behalf of…), when, which version and its hash. Empty
    /// when no response is recorded: the block then has lines to sign on.
    #[serde(default)]
    pub details: Vec<Pair>,
}

/// An SVG picture with its text alternative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    pub svg: String,
    /// What the picture shows, in words (read out, and printed under it).
    pub alt: String,
}

/// The plan type's colours, from its `[print]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Style {
    /// Headings and table header rows: "#rrggbb".
    pub accent: String,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            accent: "#1d70b8".into(),
        }
    }
}
