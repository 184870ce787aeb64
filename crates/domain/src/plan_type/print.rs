//! How plans of a type print (SPEC D1, issue 13): the optional `[print]`
//! table of a plan type file. The printed layout is data beside the plan
//! type, like its sections: one generic template reads it.
//!
//! ```toml
//! [print]
//! title = "My Support Plan"       # the printed title; else the type's short name
//! accent = "#005ea5"              # headings and table header rows (#rrggbb)
//! tables = ["outcomes", "steps", "provision"]   # what prints as tables; the rest as lists
//! golden_thread = true            # print the golden-thread picture
//! confidentiality = "…"           # the footer of every page; else the standard words
//! ```
//!
//! The headings, their order and the labels are the sections' own.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The footer of every printed page when the type does not give its own.
pub const DEFAULT_CONFIDENTIALITY: &str =
    "Confidential: personal information. Share only with the people named in this plan, and keep it securely.";

/// What can print as a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintTable {
    /// The outcomes: number, outcome, areas of need, by when, measure.
    Outcomes,
    /// Steps towards each outcome with their short-term targets.
    Steps,
    /// Provision: what, who, how often, resources, cost.
    Provision,
}

impl PrintTable {
    pub const ALL: [PrintTable; 3] = [PrintTable::Outcomes, PrintTable::Steps, PrintTable::Provision];

    pub fn as_str(self) -> &'static str {
        match self {
            PrintTable::Outcomes => "outcomes",
            PrintTable::Steps => "steps",
            PrintTable::Provision => "provision",
        }
    }
}

/// The `[print]` table; every field is optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintLayout {
    /// The printed document's title (else the type's short name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The colour of headings and table header rows, `#rrggbb`.
    #[serde(default = "default_accent")]
    pub accent: String,
    /// Which parts print as tables (header rows repeat on every page);
    /// the others print as lists.
    #[serde(default = "default_tables")]
    pub tables: Vec<PrintTable>,
    /// Whether the golden-thread picture is printed.
    #[serde(default = "yes")]
    pub golden_thread: bool,
    /// The footer of every page (else [`DEFAULT_CONFIDENTIALITY`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<String>,
}

fn default_accent() -> String {
    "#1d70b8".into()
}

fn default_tables() -> Vec<PrintTable> {
    PrintTable::ALL.to_vec()
}

fn yes() -> bool {
    true
}

impl Default for PrintLayout {
    fn default() -> Self {
        PrintLayout {
            title: None,
            accent: default_accent(),
            tables: default_tables(),
            golden_thread: true,
            confidentiality: None,
        }
    }
}

impl PrintLayout {
    /// Does `table` print as a table?
    pub fn table(&self, table: PrintTable) -> bool {
        self.tables.contains(&table)
    }

    /// The footer of every printed page.
    pub fn confidentiality(&self) -> &str {
        self.confidentiality.as_deref().unwrap_or(DEFAULT_CONFIDENTIALITY)
    }

    /// The rules serde cannot check, when the plan type is loaded:
    /// "field: message".
    pub fn validate(&self) -> Result<(), String> {
        let hex = self.accent.strip_prefix('#').unwrap_or("");
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "print.accent: \"{}\" is not a colour; write it as #rrggbb (e.g. \"#1d70b8\")",
                self.accent
            ));
        }
        for (field, text, most) in [
            ("print.title", self.title.as_deref(), 120),
            ("print.confidentiality", self.confidentiality.as_deref(), 300),
        ] {
            if let Some(text) = text {
                if text.trim().is_empty() {
                    return Err(format!("{field}: must not be empty (leave it out for the default)"));
                }
                if text.contains('\n') || text.chars().count() > most {
                    return Err(format!("{field}: must be one line of at most {most} characters"));
                }
            }
        }
        let mut seen = Vec::new();
        for table in &self.tables {
            if seen.contains(table) {
                return Err(format!("print.tables: {} is listed twice", table.as_str()));
            }
            seen.push(*table);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_print_table_is_checked_at_load() {
        assert!(PrintLayout::default().validate().is_ok());
        let bad = PrintLayout {
            accent: "blue".into(),
            ..PrintLayout::default()
        };
        assert!(bad.validate().unwrap_err().starts_with("print.accent:"));
        let twice = PrintLayout {
            tables: vec![PrintTable::Steps, PrintTable::Steps],
            ..PrintLayout::default()
        };
        assert_eq!(twice.validate().unwrap_err(), "print.tables: steps is listed twice");
        let empty = PrintLayout {
            title: Some(" ".into()),
            ..PrintLayout::default()
        };
        assert!(empty.validate().unwrap_err().starts_with("print.title:"));
    }

    #[test]
    fn a_print_table_in_a_file_is_read_and_refused_when_wrong() {
        let base = crate::testkit::builtin("yp.toml");
        assert_eq!(base.print.accent.len(), 7);
        let source = include_str!("../../plan-types/yp.toml");
        let wrong = source.replace("[print]", "[print]\nshape = \"round\"");
        assert!(
            crate::plan_type::parse("yp.toml", &wrong).is_err(),
            "unknown fields are refused"
        );
        let colour = source.replace(&format!("accent = \"{}\"", base.print.accent), "accent = \"gold\"");
        let error = crate::plan_type::parse("yp.toml", &colour).unwrap_err().to_string();
        assert!(error.contains("print.accent"), "{error}");
    }
}
