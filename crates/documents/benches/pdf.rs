//! How long a plan takes to print: the PDF of the largest demo-like plan
//! (seven outcomes, twenty provision lines, three reviews), laid out and
//! written in-process. Run with `cargo bench -p goldthread-documents`;
//! the median is recorded in docs/PERFORMANCE.md.

use criterion::{Criterion, criterion_group, criterion_main};

fn pdf(c: &mut Criterion) {
    let document = goldthread_documents::fixture::large();
    // Fonts and the standard library are read once per process, as in the
    // server: the first render is not what a user waits for.
    let first = goldthread_documents::render(&document).expect("the fixture renders");
    if let Ok(path) = std::env::var("GOLDTHREAD_BENCH_PDF") {
        std::fs::write(path, &first).expect("the PDF is written");
    }
    c.bench_function(
        "pdf of the largest plan (7 outcomes, 20 provision lines, 3 reviews)",
        |b| b.iter(|| goldthread_documents::render(std::hint::black_box(&document)).expect("renders")),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = pdf
}
criterion_main!(benches);
