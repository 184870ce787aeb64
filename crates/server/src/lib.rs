//! Goldthread: person-centred support planning.
//!
//! - `goldthread_domain` (its own crate) holds the plan model and its rules.
//! - [`store`] translates between the domain and SQL (SQLite or PostgreSQL).
//! - [`web`] translates between HTTP (HTML pages and the JSON API) and the
//!   domain.
//! - [`startup`] builds the application exactly as production runs it;
//!   tests start it the same way.
//! - [`cli`] is the command line.
//! - [`local_time`] shows times in the organisation's time zone.
//! - [`audit`] records every read and write in a hash-chained log.

pub mod agreements_cli;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod csv_export;
pub mod demo;
pub mod export;
pub mod export_cli;
pub mod local_time;
pub mod mail;
pub mod reminders;
pub mod startup;
pub mod store;
pub mod throttle;
pub mod totp;
pub mod web;
