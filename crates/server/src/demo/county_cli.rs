//! `goldthread demo --people N`: the example organisation (when the
//! database is empty), then a county's worth of generated people, with a
//! progress bar.

use std::time::Instant;

use goldthread_domain::plan_type::Registry;

use crate::audit::Key;
use crate::store::Store;

pub async fn run(store: &Store, database_url: &str, people: u64) -> anyhow::Result<()> {
    if super::load_if_empty(store).await? {
        println!("Loaded the example organisation.\n{}", super::SIGN_IN_HELP);
    }
    let path = Key::default_path(database_url);
    let key = match Key::read_or_create(&path) {
        Ok(key) => Some(key),
        Err(e) => {
            eprintln!(
                "No audit checkpoint key at {} ({e}): the audit entries are written without checkpoints.",
                path.display()
            );
            None
        }
    };
    let types = Registry::builtin();
    let bar = indicatif::ProgressBar::new(people);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} people ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message("Generating");
    let started = Instant::now();
    let done = super::county::generate(store, &types, people, key, |done, to_do| {
        bar.set_length(to_do);
        bar.set_position(done);
    })
    .await;
    bar.finish_and_clear();
    let done = done?;
    let elapsed = started.elapsed();
    if done.added == 0 {
        println!("All {people} generated people were there already; nothing added.");
    } else {
        println!(
            "Added {} generated people with their plans in {:.1} s ({} were there already).",
            done.added,
            elapsed.as_secs_f64(),
            done.existing
        );
    }
    let practitioner = super::county::practitioner(0, 0, "");
    println!(
        "Sign in as a generated practitioner, e.g. {} (password: {}).",
        practitioner.email,
        super::DEMO_PASSWORD
    );
    Ok(())
}
