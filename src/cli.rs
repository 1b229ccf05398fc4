//! The command line (contract.md §5): parse arguments, prepare the database, run a command.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::catalogue::{Catalogue, CatalogueHandle};
use crate::config::Settings;
use crate::db;
use crate::registry::{self, ImportError};
use crate::search::{self, SearchIndex};
use crate::web::{self, AppState};

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
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Benchmark helpers: generate a large registry, time the snapshot (BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        command: crate::bench::BenchCommand,
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
    let pool = db::connect(&settings.database, 8)?;
    let mut conn = pool.get()?;
    let demo = match &command {
        Command::Serve { no_demo } => settings.demo_data && !no_demo,
        _ => false,
    };
    registry::prepare_database(&mut conn, demo)?;
    match command {
        Command::Serve { .. } => {
            drop(conn);
            serve(settings, pool)?;
            Ok(0)
        }
        Command::Migrate => {
            println!("database is up to date");
            Ok(0)
        }
        Command::Import { file } => {
            let json = match std::fs::read_to_string(&file) {
                Ok(j) => j,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", file.display());
                    return Ok(2);
                }
            };
            match registry::import_json(&mut conn, &json, false) {
                Ok(report) => {
                    for w in &report.warnings {
                        eprint!("warning: {w}");
                    }
                    println!(
                        "imported {} protocol(s): {}",
                        report.stored.len(),
                        report.stored.join(", ")
                    );
                    Ok(0)
                }
                Err(ImportError::Invalid(records)) => {
                    for r in &records {
                        eprint!("{r}");
                    }
                    eprintln!(
                        "nothing was imported: {} record(s) have errors",
                        records.len()
                    );
                    Ok(2)
                }
                Err(ImportError::Unreadable(msg)) => {
                    eprintln!("error: {}: {msg}; nothing was imported", file.display());
                    Ok(2)
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::Export { status } => {
            let all = match status.as_str() {
                "all" => true,
                "published" => false,
                other => {
                    eprintln!("error: --status must be all or published (got {other:?})");
                    return Ok(2);
                }
            };
            let docs = registry::export_docs(&mut conn, all)?;
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &docs)?;
            writeln!(out)?;
            Ok(0)
        }
        Command::User { command } => crate::users_cli::run(&mut conn, command),
        Command::Offers {
            command: OffersCommand::Import { file },
        } => import_offers(&mut conn, &file),
        Command::Reindex => {
            let dir = settings.data_dir.join(search::INDEX_DIR);
            match SearchIndex::open(&dir) {
                Ok(index) => {
                    let catalogue = Catalogue::load(&mut conn)?;
                    let report = index.rebuild(&catalogue, &mut conn)?;
                    println!(
                        "search index in {} rebuilt: {} protocol(s) in {:.1} s",
                        dir.display(),
                        report.written,
                        report.took.as_secs_f64()
                    );
                }
                Err(search::OpenError::Busy(_)) => {
                    SearchIndex::request_rebuild(&dir)?;
                    println!(
                        "a running server holds the search index in {}; it rebuilds it within seconds",
                        dir.display()
                    );
                }
                Err(search::OpenError::Failed(e)) => return Err(e),
            }
            db::bump_registry_version(&mut conn)?;
            println!("registry marked changed; running servers rebuild within seconds");
            Ok(0)
        }
        Command::Bench { command } => crate::bench::run(&mut conn, command),
    }
}

/// `offers import FILE.csv`: exit 0 with the count, or 2 with every error by line.
fn import_offers(conn: &mut db::DbConnection, file: &std::path::Path) -> anyhow::Result<i32> {
    use crate::offers::import::{import_csv, ImportError};
    let text = match std::fs::read(file).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            eprintln!(
                "error: {} is not UTF-8; nothing was imported",
                file.display()
            );
            return Ok(2);
        }
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return Ok(2);
        }
    };
    let catalogue = Catalogue::load(conn)?;
    let reference = crate::offers::reference(&catalogue);
    let actor = db::history::Actor::system("command line");
    match import_csv(conn, &text, &reference, &actor, None) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{}: warning: {w}", file.display());
            }
            println!(
                "imported {} decision(s) from {}",
                report.stored,
                file.display()
            );
            Ok(0)
        }
        Err(ImportError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{}: {e}", file.display());
            }
            eprintln!(
                "nothing was imported: {} error(s) in {}",
                errors.len(),
                file.display()
            );
            Ok(2)
        }
        Err(ImportError::Database(e)) => Err(e.into()),
    }
}

fn serve(settings: Settings, pool: db::DbPool) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let search = SearchIndex::open_or_in_ram(&settings.data_dir.join(search::INDEX_DIR))?;
        let catalogue = CatalogueHandle::with_search(pool.clone(), search)?;
        let listener = TcpListener::bind(settings.bind)?;
        tracing::info!(address = %settings.bind, "serving http://{}", settings.bind);
        let mailer = std::sync::Arc::new(crate::mail::Mailer::from_settings(&settings)?);
        let state = AppState {
            pool,
            catalogue,
            settings,
            mailer,
        };
        web::start(listener, state)?.await?;
        anyhow::Ok(())
    })
}
