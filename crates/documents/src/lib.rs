//! Goldthread's printed documents (issue 13, SPEC D1): a plain,
//! serialisable [`model::Document`] of a plan as printed on its plan type's
//! form, and [`pdf::render`], which lays it out as a tagged PDF in-process
//! with typst used as a library, and [`docx::render`], which writes the same
//! document as a Word file.
//!
//! The crate knows nothing of plans or databases: the server builds the
//! document with every word chosen (`crates/server/src/export/document.rs`),
//! and one generic template lays out every plan type; what differs between
//! types (title, headings and their order, which tables, colours) is in the
//! document, taken from the plan type's file.

pub mod docx;
pub mod fixture;
pub mod model;
pub mod pdf;

pub use model::Document;
pub use pdf::{RenderError, render};
