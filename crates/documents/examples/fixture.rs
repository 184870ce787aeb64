//! Prints the large fixture (or a document in JSON) to a PDF, reading the
//! template from disk, for working on the layout, and times it:
//! `cargo run -p goldthread-documents --example fixture -- OUT.pdf [TEMPLATE.typ] [DOCUMENT.json]`
//! With `GOLDTHREAD_REPEAT=N` it renders N times and reports the median;
//! without a document it prints a rotation of eight people's versions of
//! the fixture (`fixture::large_variant`), as `bench/pdf-vs-libreoffice`
//! does, so typst's memo helps only with what plans share.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .first()
        .expect("usage: fixture OUT.pdf [TEMPLATE.typ] [DOCUMENT.json]");
    let template = match args.get(1) {
        Some(path) => std::fs::read_to_string(path).expect("the template is readable"),
        None => include_str!("../templates/plan.typ").to_owned(),
    };
    let documents = match args.get(2) {
        Some(path) => {
            vec![serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("a document")]
        }
        None => (0..8).map(goldthread_documents::fixture::large_variant).collect(),
    };
    let repeat: usize = std::env::var("GOLDTHREAD_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let mut times = Vec::new();
    let mut pdf = Vec::new();
    for run in 0..repeat.max(1) {
        let started = std::time::Instant::now();
        pdf = match goldthread_documents::pdf::render_with(&template, &documents[run % documents.len()]) {
            Ok(pdf) => pdf,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        times.push(started.elapsed());
    }
    std::fs::write(out, &pdf).expect("written");
    let first = times[0];
    times.sort();
    eprintln!(
        "{} bytes; first render {:?}; median of {} renders {:?}",
        pdf.len(),
        first,
        times.len(),
        times[times.len() / 2]
    );
}
