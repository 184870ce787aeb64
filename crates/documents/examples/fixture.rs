//! Prints the large fixture (or a document in JSON) to a PDF, reading the
//! template from disk, for working on the layout:
//! `cargo run -p goldthread-documents --example fixture -- OUT.pdf [TEMPLATE.typ] [DOCUMENT.json]`

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
    let started = std::time::Instant::now();
    match goldthread_documents::pdf::render_with(&template, &document) {
        Ok(pdf) => {
            std::fs::write(out, &pdf).expect("written");
            eprintln!("{} bytes in {:?}", pdf.len(), started.elapsed());
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
