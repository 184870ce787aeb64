//! Checks that help the writer: SMART (SPEC Q1), golden thread (Q2) and
//! realism (Q3). All are pure functions of the plan, cheap enough to run on
//! every keystroke.

pub mod smart;
