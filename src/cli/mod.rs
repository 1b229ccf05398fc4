//! The command line (contract.md §5): parse arguments, prepare the database, run a command.
//! One file per command; each calls the services, as the web handlers do.

mod ctgov;
mod offers;
mod protocols;
mod reindex;
mod serve;
pub mod user;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::db;
use crate::services::setup;

#[derive(Debug, Parser)]
#[command(
    name = "dccc-registry",
    version,
    about = "DCCC protocol registry and matching service"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// admin, dmcg_editor or clinician.
        #[arg(long)]
        role: String,
        /// DMCG acronym the editor maintains (repeat for several).
        #[arg(long)]
        dmcg: Vec<String>,
        /// Department code the clinician works at (repeat for several).
        #[arg(long)]
        site: Vec<String>,
        /// Name shown in the history (defaults to the e-mail address).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CtgovCommand {
    /// Print the protocol a ClinicalTrials.gov record becomes (nothing stored).
    Convert {
        /// A study record file (API v2 JSON) or an NCT number to fetch.
        source: String,
    },
    /// Store a ClinicalTrials.gov record as a draft of a DMCG (never published directly).
    Import {
        /// A study record file (API v2 JSON) or an NCT number to fetch.
        source: String,
        #[arg(long)]
        dmcg: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OffersCommand {
    /// Import MDT decisions from a CSV file (contract.md §4); all or nothing.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, load reference (and demo) data, and serve (the default).
    Serve {
        /// Do not load demo protocols into an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Import protocols (interchange JSON) as published; all or nothing.
    Import { file: PathBuf },
    /// Write published protocols as a JSON array to stdout.
    Export {
        /// `all` to include records that are not published.
        #[arg(long, default_value = "published")]
        status: String,
    },
    /// Rebuild the search index (DATA_DIR/search-index) from the database, and make every
    /// running server rebuild its snapshot of the registry now.
    Reindex,
    /// The offer register.
    Offers {
        #[command(subcommand)]
        command: OffersCommand,
    },
    /// ClinicalTrials.gov records (contract.md §8).
    Ctgov {
        #[command(subcommand)]
        command: CtgovCommand,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// Exit codes: 0 success, 1 failure, 2 invalid input.
pub fn run(cli: Cli) -> i32 {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    match execute(
        cli.command.unwrap_or(Command::Serve { no_demo: false }),
        settings,
    ) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

fn execute(command: Command, settings: Settings) -> anyhow::Result<i32> {
    // The server's connections wait briefly for SQLite's write lock; a command waits for
    // another writer (an import beside a running import) to finish.
    let lock_wait = match command {
        Command::Serve { .. } => db::SERVER_LOCK_WAIT,
        _ => db::BATCH_LOCK_WAIT,
    };
    let pool = db::connect_waiting(&settings.database, 8, lock_wait)?;
    let mut conn = pool.get()?;
    let demo = match &command {
        Command::Serve { no_demo } => settings.demo_data && !no_demo,
        _ => false,
    };
    setup::prepare_database(&mut conn, demo)?;
    match command {
        Command::Serve { .. } => {
            drop(conn);
            serve::serve(settings, pool)?;
            Ok(0)
        }
        Command::Migrate => {
            println!("database is up to date");
            Ok(0)
        }
        Command::Import { file } => protocols::import(&mut conn, &file),
        Command::Export { status } => protocols::export(&mut conn, &status),
        Command::User { command } => user::run(&mut conn, command),
        Command::Offers {
            command: OffersCommand::Import { file },
        } => offers::import(&mut conn, &file),
        Command::Reindex => reindex::reindex(&mut conn, &settings),
        Command::Ctgov {
            command: CtgovCommand::Convert { source },
        } => ctgov::convert(&mut conn, &settings, &source),
        Command::Ctgov {
            command: CtgovCommand::Import { source, dmcg },
        } => ctgov::import(&mut conn, &settings, &source, &dmcg),
    }
}
