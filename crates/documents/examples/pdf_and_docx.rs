//! For `bench/pdf-vs-libreoffice`: the largest demo-like plan
//! (`fixture::large()`, the criterion bench's document) printed as a PDF
//! N times in one process, as a rotation of eight different people's
//! versions of it (`fixture::large_variant`), and written once as the equivalent DOCX for
//! LibreOffice to convert.
//!
//! `cargo run --release -p goldthread-documents --example pdf_and_docx -- OUT_DIR [N]`
//!
//! Writes OUT_DIR/plan.pdf and OUT_DIR/plan.docx and prints, one a line,
//! `pdf_median_ms`, `pdf_first_ms`, `pdf_runs`, `pdf_bytes`, `docx_median_ms`
//! and `docx_bytes` (the DOCX is written N times too) as `name value`.

use std::time::{Duration, Instant};

/// How many different plans the PDF benchmark prints in turn.
const ROTATION: usize = 8;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = std::path::PathBuf::from(args.first().expect("usage: pdf_and_docx OUT_DIR [N]"));
    let runs: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(30).max(1);
    let document = goldthread_documents::fixture::large();
    // A rotation of different plans, as a server prints them: never the
    // same plan twice in a row, so a cache only helps with what plans share.
    let rotation: Vec<_> = (0..ROTATION)
        .map(goldthread_documents::fixture::large_variant)
        .collect();

    let mut times = Vec::with_capacity(runs);
    let mut pdf = Vec::new();
    for run in 0..runs {
        let started = Instant::now();
        pdf =
            goldthread_documents::render(std::hint::black_box(&rotation[run % ROTATION])).expect("the fixture prints");
        times.push(started.elapsed());
    }
    let first = times[0];
    println!("pdf_median_ms {}", ms(median(times)));
    println!("pdf_first_ms {}", ms(first));
    println!("pdf_runs {runs}");
    println!("pdf_bytes {}", pdf.len());

    let mut times = Vec::with_capacity(runs);
    let mut docx = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        docx = goldthread_documents::docx::render(std::hint::black_box(&document)).expect("the fixture is written");
        times.push(started.elapsed());
    }
    println!("docx_median_ms {}", ms(median(times)));
    println!("docx_bytes {}", docx.len());

    std::fs::create_dir_all(&out).expect("the output folder");
    let pdf = goldthread_documents::render(&document).expect("the fixture prints");
    std::fs::write(out.join("plan.pdf"), &pdf).expect("written");
    std::fs::write(out.join("plan.docx"), &docx).expect("written");
}
