//! `dccc-bench`: benchmark data generators and timers (BENCHMARKS.md), outside the service's
//! binary. It reads `DATABASE_URL` (and `.env`) as the service does, and prepares the
//! database (migrations, reference data) before each command.

mod batch;
mod ctgov;
mod offers;
mod propagation;
mod registry;
mod search;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "dccc-bench",
    about = "Benchmarks of the DCCC registry (BENCHMARKS.md)"
)]
struct Cli {
    #[command(subcommand)]
    command: registry::BenchCommand,
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    let settings = match dccc_registry::config::Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return Ok(2);
        }
    };
    let pool = dccc_registry::db::connect(&settings.database, 8)?;
    let mut conn = pool.get()?;
    dccc_registry::services::setup::prepare_database(&mut conn, false)?;
    registry::run(&mut conn, cli.command)
}
