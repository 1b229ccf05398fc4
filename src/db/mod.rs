//! The database: one connection type over SQLite and PostgreSQL, the pool, migrations and
//! the query functions (each takes `&mut DbConnection`, so they compose in transactions).

pub mod alerts;
pub mod drafts;
pub mod history;
pub mod offers;
pub mod protocols;
pub mod reference;
pub mod schema;
pub mod seed;
pub mod sessions;
pub mod source_differences;
pub mod status_history;
pub mod users;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::{Backend, DatabaseUrl};

/// A connection to whichever backend `DATABASE_URL` names.
///
/// diesel's `MultiConnection` lets every query be written once against the common subset of
/// both backends; backend-specific work (migrations, pragmas) matches on the variant.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a server connection waits for SQLite's write lock: a page should answer, not hang
/// behind a long import.
pub const SERVER_LOCK_WAIT: Duration = Duration::from_secs(10);

/// How long a command-line connection waits: an import waits for another to finish.
pub const BATCH_LOCK_WAIT: Duration = Duration::from_secs(600);

/// Per-connection settings for SQLite: enforce foreign keys, let readers run beside a
/// writer (WAL) and wait for a lock instead of failing at once.
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas {
    lock_wait: Duration,
}

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(conn) = conn {
            // busy_timeout first, so the other settings wait for a lock instead of failing.
            // journal_mode is persistent in the file and set once in `connect`.
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                self.lock_wait.as_millis()
            ))
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Runs `work` in a transaction that writes. On SQLite it begins with `BEGIN IMMEDIATE`: the
/// write lock is taken (waiting up to the busy timeout) before anything is read, so two
/// writers queue instead of one failing with "database is locked" when a read snapshot
/// cannot be upgraded. Inside a transaction already, it is a savepoint as usual.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let begun = match conn {
        DbConnection::Sqlite(inner) => {
            let open = AnsiTransactionManager::transaction_manager_status_mut(inner)
                .transaction_depth()?
                .is_some();
            if !open {
                AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            }
            !open
        }
        DbConnection::Postgres(_) => false,
    };
    if !begun {
        return conn.transaction(work);
    }
    let outcome = work(conn);
    let DbConnection::Sqlite(inner) = conn else {
        unreachable!("begun only on SQLite");
    };
    match outcome {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(inner)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(inner)?;
            Err(e)
        }
    }
}

/// Opens a pool on the database for the server, creating the SQLite file's folder when
/// needed.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<DbPool> {
    connect_waiting(url, max_size, SERVER_LOCK_WAIT)
}

/// [`connect`] with connections that wait up to `lock_wait` for SQLite's write lock.
pub fn connect_waiting(
    url: &DatabaseUrl,
    max_size: u32,
    lock_wait: Duration,
) -> anyhow::Result<DbPool> {
    let address = match url.backend {
        Backend::Sqlite => {
            let path = std::path::Path::new(&url.connect_to);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let address = format!("sqlite://{}", url.connect_to);
            // WAL lets readers run beside a writer; set it before the pool opens its
            // connections so they do not race to change the journal mode.
            let mut conn = DbConnection::establish(&address)?;
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL;",
                lock_wait.as_millis()
            ))?;
            address
        }
        Backend::Postgres => url.connect_to.clone(),
    };
    let manager = ConnectionManager::<DbConnection>::new(address);
    let pool = Pool::builder()
        .max_size(max_size)
        .connection_customizer(Box::new(SqlitePragmas { lock_wait }))
        .build(manager)?;
    Ok(pool)
}

/// A multi-row insert. `MultiConnection` cannot express one (SQLite's batch insert differs),
/// so the statement runs on the concrete connection.
pub(crate) fn batch_insert<T, V>(
    conn: &mut DbConnection,
    table: T,
    rows: Vec<V>,
) -> diesel::QueryResult<usize>
where
    T: diesel::Table,
    Vec<V>: diesel::Insertable<T>,
    diesel::query_builder::InsertStatement<T, <Vec<V> as diesel::Insertable<T>>::Values>:
        diesel::query_dsl::methods::ExecuteDsl<diesel::SqliteConnection>
            + diesel::query_dsl::methods::ExecuteDsl<diesel::PgConnection>,
{
    if rows.is_empty() {
        return Ok(0);
    }
    let statement = diesel::insert_into(table).values(rows);
    match conn {
        DbConnection::Sqlite(c) => diesel::RunQueryDsl::execute(statement, c),
        DbConnection::Postgres(c) => diesel::RunQueryDsl::execute(statement, c),
    }
}

/// Applies the pending migrations of the connection's backend; returns how many ran.
pub fn migrate(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.len())
}

/// Records that the registry changed (call inside the writing transaction).
pub fn bump_registry_version(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    use diesel::prelude::*;
    use schema::registry_state::dsl::*;
    diesel::update(registry_state.filter(id.eq(1)))
        .set(version.eq(version + 1))
        .execute(conn)?;
    Ok(())
}

/// The registry's change counter.
pub fn registry_version(conn: &mut DbConnection) -> diesel::QueryResult<i64> {
    use diesel::prelude::*;
    use schema::registry_state::dsl::*;
    registry_state.filter(id.eq(1)).select(version).first(conn)
}
