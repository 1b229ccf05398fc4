//! Entry point: parse the command line and hand over to the library.

use clap::Parser;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_web=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = dccc_registry::cli::Cli::parse();
    std::process::exit(dccc_registry::cli::run(cli));
}
