//! `dccc-bench`: benchmark data generators and timers (BENCHMARKS.md), outside the service's
//! binary. It reads `DATABASE_URL` (and `.env`) as the service does, and prepares the
//! database (migrations, reference data) before each command.

mod bare;
mod batch;
mod ctgov;
mod offers;
mod propagation;
mod registry;
mod search;

use clap::Parser;

/// mimalloc instead of glibc's malloc: loading the snapshot allocates and frees millions of
/// small strings, and glibc spent 40 % of that time consolidating free chunks (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    if let registry::BenchCommand::Bare {
        database,
        bind,
        workers,
    } = &cli.command
    {
        bare::serve(database, *bind, *workers)?;
        return Ok(0);
    }
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
