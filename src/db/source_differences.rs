//! Differences between a published protocol and its record on ClinicalTrials.gov, as the
//! sync job last found them (one row per protocol; none when they agree).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::source_differences as t;
use super::DbConnection;

/// The differences of one protocol: its id, NCT number, the JSON list, when checked.
pub type Row = (i32, String, String, NaiveDateTime);

/// The stored differences of a protocol, if any.
pub fn find(conn: &mut DbConnection, protocol: i32) -> QueryResult<Option<Row>> {
    t::table
        .filter(t::protocol_id.eq(protocol))
        .select((t::protocol_id, t::nct, t::differences, t::checked_at))
        .first(conn)
        .optional()
}

/// Stores (or replaces) a protocol's differences.
pub fn save(
    conn: &mut DbConnection,
    protocol: i32,
    nct: &str,
    differences: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(t::table.filter(t::protocol_id.eq(protocol))).execute(conn)?;
    diesel::insert_into(t::table)
        .values((
            t::protocol_id.eq(protocol),
            t::nct.eq(nct),
            t::differences.eq(differences),
            t::checked_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Removes a protocol's differences (it agrees with its source again).
pub fn clear(conn: &mut DbConnection, protocol: i32) -> QueryResult<usize> {
    diesel::delete(t::table.filter(t::protocol_id.eq(protocol))).execute(conn)
}

/// Every stored difference.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Row>> {
    t::table
        .select((t::protocol_id, t::nct, t::differences, t::checked_at))
        .order(t::protocol_id)
        .load(conn)
}
