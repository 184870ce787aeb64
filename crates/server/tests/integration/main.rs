//! Integration tests: the real server on a free port against a fresh
//! database. Every test runs on SQLite and on PostgreSQL (see [`both!`]).
//! One test binary, because linking is slow on small machines.

mod helpers;

mod access;
mod access_matrix;
mod accessibility;
mod accordion;
mod agreements;
mod agreements_browser;
mod api;
mod approval;
mod approval_browser;
mod audit;
mod backup;
mod browser;
mod cli;
mod concurrency;
mod consent;
mod content;
mod contract;
mod crash;
mod csv_export;
mod demo_scale;
mod documents_docx;
mod documents_pdf;
mod fhir;
mod fuzz;
mod history;
mod mail;
mod merging;
mod mine_progress;
mod minutes;
mod monitoring;
mod monitoring_browser;
mod oidc;
mod page_cache;
mod pages;
mod party_lead;
mod plan_building;
mod plan_page;
mod reminder_mail;
mod requests;
mod requests_browser;
mod retention;
mod reviews;
mod rules;
mod search;
mod sessions;
mod sign_in_security;
mod subject_access;
mod succession_files;
mod tamper;
mod teams;
mod transfer;
mod two_factor;
