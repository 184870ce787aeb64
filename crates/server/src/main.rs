//! The `goldthread` binary: everything happens in the library.

// mimalloc instead of glibc's malloc: the server handles plans of a
// hundred kilobytes as JSON and text, and under the save load glibc's
// malloc took 28 % of the server's CPU samples, splitting and merging
// those blocks (docs/PERFORMANCE.md, "The allocator and the writer's
// thread").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    goldthread::cli::main()
}
