//! The `goldthread` binary: everything happens in the library.

// mimalloc instead of glibc's malloc: a server thread handles plans of a
// hundred kilobytes as JSON and text, and glibc's malloc spent about a
// third of a save's CPU time splitting and merging those blocks
// (docs/PERFORMANCE.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    goldthread::cli::main()
}
