//! The Goldthread domain: the plan model, the changes that build it, and the
//! checks and review rules that help people write a good plan.
//!
//! Nothing in this crate does I/O. Storage and the web layer live in the
//! `goldthread` crate and translate between this model and SQL or HTTP.

pub mod agreement;
pub mod approval;
pub mod budget;
pub mod canonical;
pub mod checks;
pub mod compare;
pub mod consent;
pub mod content;
pub mod error;
pub mod fhir;
mod jcs;
pub mod merge;
pub mod money;
pub mod monitoring;
pub mod name_search;
pub mod person;
pub mod plan;
pub mod plan_type;
pub mod retention;
pub mod review;
pub mod rules;
pub mod succession;
pub mod team;
#[cfg(test)]
mod testkit;
pub mod transfer;
pub mod two_factor;
pub mod user;
pub mod verification;
