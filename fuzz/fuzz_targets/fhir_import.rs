//! Any bytes into the FHIR import parser: it must answer (a plan or a list
//! of problems), never panic, whatever it is given. A Bundle it reads is
//! also built into a plan against a shipped plan type, as storage would.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = time::macros::date!(2027 - 03 - 01);
    if let Ok(imported) = goldthread_domain::fhir::read_bundle(data, today) {
        let registry = goldthread_domain::plan_type::Registry::builtin();
        if let Some(plan_type) = registry.get(&imported.plan_type) {
            let _ = goldthread_domain::fhir::build_plan(
                &imported,
                uuid::Uuid::nil(),
                uuid::Uuid::nil(),
                1,
                plan_type,
                (uuid::Uuid::nil(), "Fuzzer"),
                time::macros::datetime!(2027-03-01 12:00 UTC),
            );
        }
    }
});
