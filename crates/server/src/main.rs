//! The `goldthread` binary: everything happens in the library.

fn main() -> std::process::ExitCode {
    goldthread::cli::main()
}
