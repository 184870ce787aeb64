//! Builds the front-end assets into `$OUT_DIR/assets`, which the binary
//! embeds (see `src/web/assets.rs`): the GOV.UK Frontend stylesheet compiled
//! from Sass with our settings, its JavaScript, and our own small script.
//!
//! The npm packages are installed from the committed lock file on first
//! build (`npm ci`), so a fresh clone needs only Node.js and npm.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let web = manifest_dir.join("web");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("assets");
    println!("cargo:rerun-if-changed=web/package.json");
    println!("cargo:rerun-if-changed=web/package-lock.json");
    println!("cargo:rerun-if-changed=web/src");

    let govuk = web.join("node_modules/govuk-frontend/dist/govuk");
    let sass = web.join("node_modules/sass/sass.js");
    if !govuk.exists() || !sass.exists() || !web.join("node_modules/axe-core").exists() {
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&web),
            "install the front-end packages (npm ci in crates/server/web); is Node.js with npm installed?",
        );
    }

    std::fs::create_dir_all(&out).expect("create assets output folder");
    run(
        Command::new("node")
            .arg(&sass)
            .args([
                "--pkg-importer=node",
                "--no-source-map",
                "--style=compressed",
                "--quiet",
            ])
            .arg(web.join("src/goldthread.scss"))
            .arg(out.join("goldthread.css"))
            .current_dir(&web),
        "compile the stylesheet with Sass",
    );
    copy(&govuk.join("govuk-frontend.min.js"), &out.join("govuk-frontend.min.js"));
    copy(&web.join("src/app.mjs"), &out.join("app.mjs"));
    for entry in std::fs::read_dir(web.join("src")).expect("read web/src") {
        let path = entry.expect("web/src entry").path();
        if path.extension().is_some_and(|e| e == "svg" || e == "mjs") {
            copy(&path, &out.join(path.file_name().unwrap()));
        }
    }
}

fn run(command: &mut Command, what: &str) {
    let status = command.status().unwrap_or_else(|e| panic!("could not {what}: {e}"));
    assert!(status.success(), "could not {what}: {status}");
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {} to {}: {e}", from.display(), to.display()));
}
