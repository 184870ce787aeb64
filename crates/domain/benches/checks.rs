//! Benchmarks of the writer's checks (SPEC section 6).
//!
//! `smart_check_per_phrase`: the SMART check (Q1) on a dozen typical
//! outcomes, steps and targets, one benchmark per phrase plus the whole set
//! (reported per phrase through `Throughput::Elements`). Target: under 20 µs
//! per phrase, so it can run on every keystroke.
//!
//! Run with:
//! `cargo bench -p goldthread-domain --bench checks -- --warm-up-time 1 --measurement-time 2`
//!
//! More benchmarks (e.g. `all_checks_full_msp`, every check over a full
//! plan) go in as further functions in the same `criterion_group!` below.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use goldthread_domain::checks::smart::check;

/// Typical phrasings across education, supported housing, health and youth
/// work, SMART and not, short and long: (label, text).
const PHRASES: &[(&str, &str)] = &[
    ("seed_vague", "improve school attendance"),
    (
        "seed_smart",
        "attend school for at least four days a week for the next three months",
    ),
    (
        "send_ks2",
        "By the end of key stage 2, Leo will be able to read 100 high-frequency words, as \
         measured by termly reading assessments.",
    ),
    (
        "send_help",
        "Noah will ask for help in class without prompting on 4 out of 5 occasions by the end \
         of the autumn term, as observed by his teaching assistant.",
    ),
    (
        "housing_rent",
        "Sam will pay his rent in full every month for the next six months, as shown by his \
         rent account.",
    ),
    (
        "housing_tenancy",
        "Chloe will keep her tenancy for at least six months.",
    ),
    (
        "housing_arrears",
        "Clear her rent arrears of £350 by paying £25 a week on top of her rent, as shown on \
         her rent statement, by the end of March 2027.",
    ),
    (
        "health_sleep",
        "Amira will go to bed by 10pm on at least 5 nights a week by the end of March, \
         recorded in her sleep diary.",
    ),
    (
        "health_medication",
        "Take her medication every morning without prompting by 31/03/2027, recorded on the \
         MAR chart",
    ),
    ("health_vague", "Feel less anxious"),
    ("youth_club", "Join a sports club to increase social interaction"),
    (
        "youth_counsellor",
        "Tia will meet her counsellor every Tuesday for the next 10 weeks.",
    ),
];

fn smart_check_per_phrase(c: &mut Criterion) {
    let mut group = c.benchmark_group("smart_check_per_phrase");
    group.throughput(Throughput::Elements(1));
    for &(label, text) in PHRASES {
        group.bench_with_input(BenchmarkId::from_parameter(label), text, |b, text| {
            b.iter(|| check(black_box(text)))
        });
    }
    // the whole set; criterion reports it per phrase (elements/s)
    group.throughput(Throughput::Elements(PHRASES.len() as u64));
    group.bench_function("all_phrases", |b| {
        b.iter(|| {
            for &(_, text) in PHRASES {
                black_box(check(black_box(text)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, smart_check_per_phrase);
criterion_main!(benches);
