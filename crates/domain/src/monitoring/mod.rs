//! Doing the plan and seeing it move (SPEC M1–M4, R4): planning meetings
//! and their action points, progress notes, attendance and ratings, clocks
//! that run from an event, and the lists of a practitioner's dashboard.
//!
//! These records are **not** [`crate::plan::Change`]s. A meeting, a note, an
//! attendance mark or a rating is something that happened while carrying
//! the plan out, not an edit of what the plan says, so each kind is its own
//! type that storage keeps in its own append-only table: a row is written
//! once, wrapped in [`Recorded`] (which plan, who recorded it, when), and is
//! never updated or deleted. A correction is a new row; a carried-forward
//! action point is a follow-up row in the next meeting that points back at
//! the original, so its history is the rows in date order.
//!
//! Everything here is plain Rust with no I/O, and every rule that depends on
//! the date takes an injected `today` rather than reading the wall clock.

pub mod calendar;
pub mod clocks;
pub mod dashboard;
pub mod index;
pub mod meetings;
pub mod progress;
pub mod requests;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// One stored record with who recorded it and when; the unit of the
/// append-only tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded<T> {
    pub id: Uuid,
    pub plan_id: Uuid,
    /// The Goldthread user who recorded it.
    pub recorded_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    pub record: T,
}
