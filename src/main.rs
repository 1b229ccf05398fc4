//! Entry point: parse the command line and hand over to the library.

use clap::Parser;

/// mimalloc instead of glibc's malloc: loading the snapshot allocates and frees millions of
/// small strings, and glibc spent 40 % of that time consolidating free chunks (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,actix_web=info".into());
    // tantivy's debug lines dump index metadata (segment ids, commit payloads); keep them out
    // of a general RUST_LOG=debug and show them only when tantivy is named.
    if !std::env::var("RUST_LOG").is_ok_and(|v| v.contains("tantivy")) {
        if let Ok(quiet) = "tantivy=info".parse() {
            filter = filter.add_directive(quiet);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = dccc_registry::cli::Cli::parse();
    std::process::exit(dccc_registry::cli::run(cli));
}
