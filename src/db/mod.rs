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

/// Per-connection settings for SQLite: enforce foreign keys, let readers run beside a
/// writer (WAL) and wait for a lock instead of failing at once.
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(conn) = conn {
            // busy_timeout first, so the other settings wait for a lock instead of failing.
            // journal_mode is persistent in the file and set once in `connect`.
            conn.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Opens a pool on the database, creating the SQLite file's folder when needed.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<DbPool> {
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
            conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")?;
            address
        }
        Backend::Postgres => url.connect_to.clone(),
    };
    let manager = ConnectionManager::<DbConnection>::new(address);
    let pool = Pool::builder()
        .max_size(max_size)
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)?;
    Ok(pool)
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
