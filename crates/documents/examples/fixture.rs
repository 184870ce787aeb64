//! Prints the large fixture (or a document in JSON) to a PDF, reading the
//! template from disk, for working on the layout, and times it:
//! `cargo run -p goldthread-documents --example fixture -- OUT.pdf [TEMPLATE.typ] [DOCUMENT.json]`
//! With `GOLDTHREAD_REPEAT=N` it renders N times and reports the median.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .first()
        .expect("usage: fixture OUT.pdf [TEMPLATE.typ] [DOCUMENT.json]");
    let template = match args.get(1) {
        Some(path) => std::fs::read_to_string(path).expect("the template is readable"),
        None => include_str!("../templates/plan.typ").to_owned(),
    };
    let document = match args.get(2) {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("a document"),
        None => goldthread_documents::fixture::large(),
    };
    let repeat: usize = std::env::var("GOLDTHREAD_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let mut times = Vec::new();
    let mut pdf = Vec::new();
    for _ in 0..repeat.max(1) {
        let started = std::time::Instant::now();
        pdf = match goldthread_documents::pdf::render_with(&template, &document) {
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
