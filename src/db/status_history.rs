//! The `status_intervals` table: every protocol's and department's recruitment status over
//! time (see [`crate::domain::status_history`]). Written by every change of a stored protocol,
//! in the change's own transaction, and rebuilt once from the change history for protocols
//! stored before the table existed.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{history, protocol_sites as ps, protocols as p, status_intervals as si};
use super::DbConnection;
use crate::domain::status_history::{
    changes_to, rebuild, Dates, Interval, OpenSpans, Source, StatusState,
};

/// A stored protocol's statuses now, its slug, creation time and dates.
fn current_state(
    conn: &mut DbConnection,
    protocol_id: i32,
) -> QueryResult<(StatusState, String, NaiveDateTime, Dates)> {
    let (status, slug, created, opened_on, closes_on) = p::table
        .find(protocol_id)
        .select((
            p::recruitment_status,
            p::slug,
            p::created_at,
            p::opened_on,
            p::closes_on,
        ))
        .first(conn)?;
    let sites: Vec<(String, String)> = ps::table
        .filter(ps::protocol_id.eq(protocol_id))
        .select((ps::site_code, ps::status))
        .load(conn)?;
    Ok((
        StatusState {
            protocol: status,
            sites: sites.into_iter().collect(),
        },
        slug,
        created,
        Dates {
            opened_on,
            closes_on,
        },
    ))
}

fn insert(conn: &mut DbConnection, protocol_id: i32, intervals: &[Interval]) -> QueryResult<()> {
    for i in intervals {
        diesel::insert_into(si::table)
            .values((
                si::protocol_id.eq(protocol_id),
                si::site_code.eq(&i.key),
                si::status.eq(&i.status),
                si::valid_from.eq(i.from),
                si::valid_to.eq(i.to),
                si::source.eq(i.source.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Brings a protocol's intervals up to its stored statuses at `now`: the intervals of what
/// changed end and new ones begin. A protocol without intervals gets its first ones, with
/// the time before `now` taken from its dates. Call it in the transaction of the change.
pub fn record(conn: &mut DbConnection, protocol_id: i32, now: NaiveDateTime) -> QueryResult<()> {
    let (desired, _, _, dates) = current_state(conn, protocol_id)?;
    let any: i64 = si::table
        .filter(si::protocol_id.eq(protocol_id))
        .count()
        .get_result(conn)?;
    if any == 0 {
        return insert(
            conn,
            protocol_id,
            &rebuild(&desired, &[], now, dates, Source::Recorded),
        );
    }
    let current: Vec<(String, String, NaiveDateTime)> = si::table
        .filter(si::protocol_id.eq(protocol_id).and(si::valid_to.is_null()))
        .select((si::site_code, si::status, si::valid_from))
        .load(conn)?;
    // An interval never ends before it began, even if the clock went back.
    let at = current.iter().map(|c| c.2).fold(now, NaiveDateTime::max);
    let current: BTreeMap<String, String> = current.into_iter().map(|(k, s, _)| (k, s)).collect();
    let (close, begin) = changes_to(&current, &desired);
    if !close.is_empty() {
        diesel::update(
            si::table.filter(
                si::protocol_id
                    .eq(protocol_id)
                    .and(si::valid_to.is_null())
                    .and(si::site_code.eq_any(&close)),
            ),
        )
        .set(si::valid_to.eq(at))
        .execute(conn)?;
    }
    let begin: Vec<Interval> = begin
        .into_iter()
        .map(|(key, status)| Interval {
            key,
            status,
            from: at,
            to: None,
            source: Source::Recorded,
        })
        .collect();
    insert(conn, protocol_id, &begin)
}

/// Rebuilds the intervals of every protocol that has none from its change history (each
/// change of `recruitment_status` or of a department, walked back from the state now).
/// Returns how many protocols it rebuilt; a second call finds none.
pub fn backfill(conn: &mut DbConnection) -> QueryResult<usize> {
    crate::db::write_transaction(conn, |conn| {
        // Not a list of ids: at 100,000 protocols that is more parameters than SQLite takes.
        let without: Vec<i32> = p::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                si::table.filter(si::protocol_id.eq(p::id)),
            )))
            .select(p::id)
            .order(p::id)
            .load(conn)?;
        for &id in &without {
            let (now, slug, created, dates) = current_state(conn, id)?;
            let entries: Vec<(NaiveDateTime, String)> = history::table
                .filter(
                    history::entity
                        .eq("protocol")
                        .and(history::entity_key.eq(&slug)),
                )
                .select((history::at, history::changes))
                .order((history::at.desc(), history::id.desc()))
                .load(conn)?;
            let changes: Vec<_> = entries
                .into_iter()
                .map(|(at, json)| (at, serde_json::from_str(&json).unwrap_or_default()))
                .collect();
            insert(
                conn,
                id,
                &rebuild(&now, &changes, created, dates, Source::History),
            )?;
        }
        Ok(without.len())
    })
}

/// Every protocol's open spans (its own and its departments'), by protocol id.
pub fn open_spans(conn: &mut DbConnection) -> QueryResult<HashMap<i32, OpenSpans>> {
    let rows: Vec<(i32, String, NaiveDateTime, Option<NaiveDateTime>)> = si::table
        .filter(si::status.eq("open"))
        .select((si::protocol_id, si::site_code, si::valid_from, si::valid_to))
        .load(conn)?;
    let mut out: HashMap<i32, OpenSpans> = HashMap::new();
    for (id, key, from, to) in rows {
        out.entry(id).or_default().add(key, from, to);
    }
    Ok(out)
}

/// One protocol's intervals, oldest first (for tests and the command line).
pub fn intervals_of(conn: &mut DbConnection, protocol_id: i32) -> QueryResult<Vec<Interval>> {
    let rows: Vec<(String, String, NaiveDateTime, Option<NaiveDateTime>, String)> = si::table
        .filter(si::protocol_id.eq(protocol_id))
        .select((
            si::site_code,
            si::status,
            si::valid_from,
            si::valid_to,
            si::source,
        ))
        .order((si::site_code, si::valid_from, si::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(key, status, from, to, source)| Interval {
            key,
            status,
            from,
            to,
            source: match source.as_str() {
                "history" => Source::History,
                "dates" => Source::Dates,
                _ => Source::Recorded,
            },
        })
        .collect())
}

/// When each protocol open now at a department (`site_code`) became open there: the later
/// start of the department's current open interval and of the protocol's own; by protocol id.
pub fn opened_at_site(
    conn: &mut DbConnection,
    site_code: &str,
) -> QueryResult<HashMap<i32, NaiveDateTime>> {
    let current_open = si::status.eq("open").and(si::valid_to.is_null());
    let here: Vec<(i32, NaiveDateTime)> = si::table
        .filter(si::site_code.eq(site_code).and(current_open))
        .select((si::protocol_id, si::valid_from))
        .load(conn)?;
    let mut out: HashMap<i32, NaiveDateTime> = here.into_iter().collect();
    let at_site = diesel::alias!(super::schema::status_intervals as at_site);
    let own: Vec<(i32, NaiveDateTime)> = si::table
        .filter(si::site_code.eq("").and(current_open))
        .filter(
            si::protocol_id.eq_any(
                at_site
                    .filter(at_site.field(si::site_code).eq(site_code))
                    .filter(at_site.field(si::status).eq("open"))
                    .filter(at_site.field(si::valid_to).is_null())
                    .select(at_site.field(si::protocol_id)),
            ),
        )
        .select((si::protocol_id, si::valid_from))
        .load(conn)?;
    for (id, from) in own {
        if let Some(at) = out.get_mut(&id) {
            *at = (*at).max(from);
        }
    }
    Ok(out)
}
