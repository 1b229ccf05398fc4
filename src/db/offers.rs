//! The offer register's tables: entries, their monthly counts, and the writer lock.
//!
//! Every write takes the lock row first (so writers run one at a time and recounts never
//! race), changes `offers`, and recounts the touched (month, department) slices of
//! `offer_monthly` in the same transaction, so the counts always agree with the entries.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::history::{self, Actor};
use super::schema::{offer_monthly, offer_register_state, offers};
use super::DbConnection;
use crate::domain::indicator::Tally;
use crate::domain::offers::{Decision, NotOfferedReason, OfferOutcome, OfferRecord};

/// An entry as stored.
#[derive(Debug, Clone, Queryable)]
pub struct OfferRow {
    pub id: i32,
    pub decision_date: NaiveDate,
    pub site_code: String,
    pub dmcg: String,
    pub patient_ref: String,
    pub age_band: String,
    pub sex: String,
    pub residence_region: i32,
    pub mdt_level: String,
    pub offered: i16,
    pub protocol_slug: Option<String>,
    pub protocol_acronym: Option<String>,
    pub not_offered_reason: Option<String>,
    pub reason_text: Option<String>,
    pub outcome: Option<String>,
    pub outcome_date: Option<NaiveDate>,
    pub annulled: i16,
    pub annul_reason: Option<String>,
    pub is_demo: i16,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl OfferRow {
    /// The entry as flat fields, named as [`OfferRecord::to_json`] names them.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "decision_date": self.decision_date.to_string(),
            "site": self.site_code,
            "dmcg": self.dmcg,
            "patient_ref": self.patient_ref,
            "age_band": self.age_band,
            "sex": self.sex,
            "residence_region": self.residence_region,
            "mdt_level": self.mdt_level,
            "offered": if self.offered == 1 { "yes" } else { "no" },
            "protocol": self.protocol_acronym,
            "not_offered_reason": self.not_offered_reason,
            "reason_text": self.reason_text,
            "outcome": self.outcome,
            "outcome_date": self.outcome_date.map(|d| d.to_string()),
        })
    }
}

/// An entry's own fields. `None` is stored as NULL, never as the column's default, so a batch
/// of entries is one multi-row statement on SQLite too (diesel inserts row by row when any
/// value may be a default).
#[derive(Insertable, AsChangeset)]
#[diesel(
    table_name = offers,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
struct OfferValues<'a> {
    decision_date: NaiveDate,
    site_code: &'a str,
    dmcg: &'a str,
    patient_ref: &'a str,
    age_band: &'static str,
    sex: &'static str,
    residence_region: i32,
    mdt_level: &'static str,
    offered: i16,
    protocol_slug: Option<&'a str>,
    protocol_acronym: Option<&'a str>,
    not_offered_reason: Option<&'static str>,
    reason_text: Option<&'a str>,
    outcome: Option<&'static str>,
    outcome_date: Option<NaiveDate>,
}

impl<'a> From<&'a OfferRecord> for OfferValues<'a> {
    fn from(r: &'a OfferRecord) -> Self {
        let mut v = Self {
            decision_date: r.decision_date,
            site_code: &r.site_code,
            dmcg: &r.dmcg,
            patient_ref: &r.patient_ref,
            age_band: r.age_band.as_str(),
            sex: r.sex.as_str(),
            residence_region: r.residence_region.code(),
            mdt_level: r.mdt_level.as_str(),
            offered: 0,
            protocol_slug: None,
            protocol_acronym: None,
            not_offered_reason: None,
            reason_text: None,
            outcome: None,
            outcome_date: None,
        };
        match &r.decision {
            Decision::Offered {
                protocol_slug,
                protocol_acronym,
                outcome,
                outcome_date,
            } => {
                v.offered = 1;
                v.protocol_slug = Some(protocol_slug);
                v.protocol_acronym = Some(protocol_acronym);
                v.outcome = Some(outcome.as_str());
                v.outcome_date = *outcome_date;
            }
            Decision::NotOffered { reason, text } => {
                v.not_offered_reason = Some(reason.as_str());
                v.reason_text = text.as_deref();
            }
        }
        v
    }
}

/// The first day of the date's month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The first day of the next month.
pub fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

/// Takes the writer lock (held until the transaction ends) and marks the register changed.
pub fn lock_register(conn: &mut DbConnection) -> QueryResult<()> {
    use offer_register_state::dsl as s;
    diesel::update(s::offer_register_state.filter(s::id.eq(1)))
        .set(s::version.eq(s::version + 1))
        .execute(conn)?;
    Ok(())
}

/// The register's change counter (reports cache on it).
pub fn register_version(conn: &mut DbConnection) -> QueryResult<i64> {
    use offer_register_state::dsl as s;
    s::offer_register_state
        .filter(s::id.eq(1))
        .select(s::version)
        .first(conn)
}

/// The highest id so far (0 for an empty register).
pub fn last_id(conn: &mut DbConnection) -> QueryResult<i32> {
    let max: Option<i32> = offers::table
        .select(diesel::dsl::max(offers::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// Stores new entries; returns their ids in order. With `history`, each gets a "created"
/// entry. Call inside a transaction.
pub fn insert_offers(
    conn: &mut DbConnection,
    records: &[OfferRecord],
    actor: &Actor,
    demo: bool,
    history: bool,
    now: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    lock_register(conn)?;
    let mut touched = Touched::new();
    let ids = append_offers(conn, records, actor, demo, history, now, &mut touched)?;
    recount_touched(conn, touched)?;
    Ok(ids)
}

/// The months and departments whose counts a write changed.
pub type Touched = BTreeSet<(NaiveDate, String)>;

/// The ids of the entries stored after `before`, in order.
pub fn ids_after(conn: &mut DbConnection, before: i32) -> QueryResult<Vec<i32>> {
    offers::table
        .filter(offers::id.gt(before))
        .select(offers::id)
        .order(offers::id)
        .load(conn)
}

/// Stores entries without taking the lock or recounting, noting in `touched` what to recount:
/// for a writer that streams its entries in batches under one lock (take
/// [`lock_register`] first and call [`recount_touched`] at the end). With `history`, each
/// gets a "created" entry. Returns the new ids in the order of `records`.
pub fn append_offers(
    conn: &mut DbConnection,
    records: &[OfferRecord],
    actor: &Actor,
    demo: bool,
    history: bool,
    now: NaiveDateTime,
    touched: &mut Touched,
) -> QueryResult<Vec<i32>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    for r in records {
        touched.insert((month_start(r.decision_date), r.site_code.clone()));
    }
    let ids = match conn {
        DbConnection::Postgres(c) => {
            let mut ids = Vec::with_capacity(records.len());
            for chunk in records.chunks(2000) {
                ids.extend(insert_columns_pg(c, chunk, actor, demo, now)?);
            }
            ids
        }
        DbConnection::Sqlite(_) => {
            // Under the writer lock nothing else stores entries, so this call's ids are the
            // ones above the highest before it (one range scan of the rowid).
            let before = last_id(conn)?;
            for chunk in records.chunks(500) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|r| {
                        (
                            OfferValues::from(r),
                            offers::annulled.eq(0i16),
                            offers::is_demo.eq(i16::from(demo)),
                            offers::created_by.eq(actor.id),
                            offers::created_at.eq(now),
                            offers::updated_at.eq(now),
                        )
                    })
                    .collect();
                super::batch_insert(conn, offers::table, rows)?;
            }
            ids_after(conn, before)?
        }
    };
    if history {
        let entries: Vec<(String, Vec<history::Change>)> = ids
            .iter()
            .zip(records)
            .map(|(id, record)| {
                (
                    id.to_string(),
                    history::diff_json(&serde_json::Value::Null, &record.to_json()),
                )
            })
            .collect();
        history::record_many(conn, "offer", "created", actor, &entries, now)?;
    }
    Ok(ids)
}

/// One id of a `RETURNING` clause.
#[derive(QueryableByName)]
struct NewId {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
}

/// Stores entries on PostgreSQL as one statement of one array per column (`unnest`): a
/// multi-row `VALUES` of 2,000 rows is 30,000 parameters that the server parses and binds
/// one by one, which took about as long as storing the rows. Returns the ids in order.
fn insert_columns_pg<'r>(
    conn: &mut diesel::PgConnection,
    records: &'r [OfferRecord],
    actor: &Actor,
    demo: bool,
    now: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    use diesel::sql_types::{Array, Date, Integer, Nullable, SmallInt, Text};
    let values: Vec<OfferValues<'r>> = records.iter().map(OfferValues::from).collect();
    let column = |f: fn(&OfferValues<'r>) -> &'r str| values.iter().map(f).collect::<Vec<_>>();
    let optional =
        |f: fn(&OfferValues<'r>) -> Option<&'r str>| values.iter().map(f).collect::<Vec<_>>();
    let ids: Vec<NewId> = diesel::sql_query(
        "INSERT INTO offers (decision_date, site_code, dmcg, patient_ref, age_band, sex, \
         residence_region, mdt_level, offered, protocol_slug, protocol_acronym, \
         not_offered_reason, reason_text, outcome, outcome_date, annulled, is_demo, \
         created_by, created_at, updated_at) \
         SELECT d, s, g, p, a, x, r, m, o, ps, pa, nr, rt, oc, od, 0, $16, $17, $18, $18 \
         FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         WITH ORDINALITY AS t (d, s, g, p, a, x, r, m, o, ps, pa, nr, rt, oc, od, n) \
         ORDER BY n RETURNING id",
    )
    .bind::<Array<Date>, _>(values.iter().map(|v| v.decision_date).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(column(|v| v.site_code))
    .bind::<Array<Text>, _>(column(|v| v.dmcg))
    .bind::<Array<Text>, _>(column(|v| v.patient_ref))
    .bind::<Array<Text>, _>(column(|v| v.age_band))
    .bind::<Array<Text>, _>(column(|v| v.sex))
    .bind::<Array<Integer>, _>(
        values
            .iter()
            .map(|v| v.residence_region)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Text>, _>(column(|v| v.mdt_level))
    .bind::<Array<SmallInt>, _>(values.iter().map(|v| v.offered).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(optional(|v| v.protocol_slug))
    .bind::<Array<Nullable<Text>>, _>(optional(|v| v.protocol_acronym))
    .bind::<Array<Nullable<Text>>, _>(optional(|v| v.not_offered_reason))
    .bind::<Array<Nullable<Text>>, _>(optional(|v| v.reason_text))
    .bind::<Array<Nullable<Text>>, _>(optional(|v| v.outcome))
    .bind::<Array<Nullable<Date>>, _>(values.iter().map(|v| v.outcome_date).collect::<Vec<_>>())
    .bind::<SmallInt, _>(i16::from(demo))
    .bind::<Nullable<Integer>, _>(actor.id)
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .load(conn)?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// For each entry stored after `before` that repeats an earlier entry not annulled (same
/// patient reference, department, DMCG and decision date), its id and the first such entry's.
pub fn repeated_after(conn: &mut DbConnection, before: i32) -> QueryResult<Vec<(i32, i32)>> {
    // Driven from the new entries, one index look-up (`offers_patient_ref`) each, whatever
    // the planner believes of the table: on PostgreSQL a table just filled in this
    // transaction has no statistics yet, and a join was planned as a scan of every entry
    // (2 s for one new row among 200,000). `before` is an integer, never user input.
    let query = diesel::sql_query(format!(
        "SELECT id, first FROM (SELECT o.id AS id, (SELECT min(e.id) FROM offers e \
         WHERE e.patient_ref = o.patient_ref AND e.site_code = o.site_code \
         AND e.dmcg = o.dmcg AND e.decision_date = o.decision_date AND e.id < o.id \
         AND e.annulled = 0) AS first FROM offers o WHERE o.id > {before}) r \
         WHERE first IS NOT NULL ORDER BY id"
    ));
    let rows: Vec<Repeat> = query.load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r.first)).collect())
}

/// An entry and the first earlier entry it repeats.
#[derive(QueryableByName)]
struct Repeat {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    first: i32,
}

/// Recounts each touched month and department once.
pub fn recount_touched(conn: &mut DbConnection, touched: Touched) -> QueryResult<()> {
    for (month, site) in touched {
        recount(conn, month, Some(&site))?;
    }
    Ok(())
}

/// Inserts generated entries without history or recounting (benchmarks); call
/// [`rebuild_summary`] afterwards.
pub fn insert_bulk(
    conn: &mut DbConnection,
    records: &[OfferRecord],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let actor = Actor::system("generator");
    append_offers(
        conn,
        records,
        &actor,
        false,
        false,
        now,
        &mut Touched::new(),
    )
    .map(drop)
}

pub fn find_offer(conn: &mut DbConnection, id: i32) -> QueryResult<Option<OfferRow>> {
    offers::table.find(id).first(conn).optional()
}

/// Replaces an entry's fields; records what changed. Call inside a transaction.
pub fn update_offer(
    conn: &mut DbConnection,
    old: &OfferRow,
    record: &OfferRecord,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<()> {
    lock_register(conn)?;
    diesel::update(offers::table.find(old.id))
        .set((OfferValues::from(record), offers::updated_at.eq(now)))
        .execute(conn)?;
    let changes = history::diff_json(&old.to_json(), &record.to_json());
    history::record(
        conn,
        "offer",
        &old.id.to_string(),
        "updated",
        actor,
        &changes,
        false,
        now,
    )?;
    recount(conn, month_start(old.decision_date), Some(&old.site_code))?;
    recount(
        conn,
        month_start(record.decision_date),
        Some(&record.site_code),
    )
}

/// Annuls an entry: it stays, marked and with the reason, and leaves the counts.
pub fn annul_offer(
    conn: &mut DbConnection,
    old: &OfferRow,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<()> {
    lock_register(conn)?;
    diesel::update(offers::table.find(old.id))
        .set((
            offers::annulled.eq(1i16),
            offers::annul_reason.eq(reason),
            offers::updated_at.eq(now),
        ))
        .execute(conn)?;
    let changes = vec![
        history::Change {
            field: "annulled".into(),
            old: Some("no".into()),
            new: Some("yes".into()),
        },
        history::Change {
            field: "annul_reason".into(),
            old: None,
            new: Some(reason.to_owned()),
        },
    ];
    history::record(
        conn,
        "offer",
        &old.id.to_string(),
        "annulled",
        actor,
        &changes,
        false,
        now,
    )?;
    recount(conn, month_start(old.decision_date), Some(&old.site_code))
}

/// Which entries a list shows.
#[derive(Debug, Clone, Default)]
pub struct OfferFilter {
    /// Only these departments (a clinician's own, or the one chosen).
    pub sites: Option<Vec<String>>,
    pub dmcg: Option<String>,
    /// Decisions on or after this date.
    pub from: Option<NaiveDate>,
    /// Decisions on or before this date.
    pub to: Option<NaiveDate>,
    /// The protocol offered, by acronym or slug.
    pub protocol: Option<String>,
    /// Offered (`true`) or not (`false`).
    pub offered: Option<bool>,
    /// The outcome of an offer (`pending`, `included`, ...).
    pub outcome: Option<String>,
    /// The patient reference, exactly.
    pub patient_ref: Option<String>,
}

/// The filtered entries counted for the top of the list; annulled entries count only in
/// `annulled`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OfferCounts {
    pub entries: i64,
    pub annulled: i64,
    pub offered: i64,
    pub not_offered: i64,
    pub included: i64,
    pub pending: i64,
    /// Offers awaiting an outcome decided before the follow-up date.
    pub overdue: i64,
}

/// The entries of a filter, as a query to count, order or page.
fn filtered(
    filter: &OfferFilter,
) -> offers::BoxedQuery<'static, <DbConnection as Connection>::Backend> {
    let mut q = offers::table.into_boxed();
    if let Some(sites) = &filter.sites {
        q = q.filter(offers::site_code.eq_any(sites.clone()));
    }
    if let Some(dmcg) = &filter.dmcg {
        q = q.filter(offers::dmcg.eq(dmcg.clone()));
    }
    if let Some(from) = filter.from {
        q = q.filter(offers::decision_date.ge(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(offers::decision_date.le(to));
    }
    if let Some(protocol) = &filter.protocol {
        q = q.filter(
            offers::protocol_acronym
                .eq(protocol.clone())
                .or(offers::protocol_slug.eq(protocol.clone())),
        );
    }
    if let Some(offered) = filter.offered {
        q = q.filter(offers::offered.eq(i16::from(offered)));
    }
    if let Some(outcome) = &filter.outcome {
        q = q
            .filter(offers::outcome.eq(outcome.clone()))
            .filter(offers::annulled.eq(0i16));
    }
    if let Some(reference) = &filter.patient_ref {
        q = q.filter(offers::patient_ref.eq(reference.clone()));
    }
    q
}

/// A page of entries, newest decision first, and how many match in all.
pub fn list_offers(
    conn: &mut DbConnection,
    filter: &OfferFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<OfferRow>, i64)> {
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order((offers::decision_date.desc(), offers::id.desc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// The entries of the filter, newest decision first, at most `limit` (the export).
pub fn all_offers(
    conn: &mut DbConnection,
    filter: &OfferFilter,
    limit: i64,
) -> QueryResult<Vec<OfferRow>> {
    filtered(filter)
        .order((offers::decision_date.desc(), offers::id.desc()))
        .limit(limit)
        .load(conn)
}

/// The filtered entries counted; an offer awaiting its outcome from before `follow_up` is
/// overdue.
pub fn count_filtered(
    conn: &mut DbConnection,
    filter: &OfferFilter,
    follow_up: NaiveDate,
) -> QueryResult<OfferCounts> {
    let entries: i64 = filtered(filter).count().get_result(conn)?;
    let annulled: i64 = filtered(filter)
        .filter(offers::annulled.ne(0i16))
        .count()
        .get_result(conn)?;
    let offered: i64 = filtered(filter)
        .filter(offers::annulled.eq(0i16))
        .filter(offers::offered.eq(1i16))
        .count()
        .get_result(conn)?;
    let outcome = |conn: &mut DbConnection, outcome: &str| -> QueryResult<i64> {
        filtered(filter)
            .filter(offers::annulled.eq(0i16))
            .filter(offers::offered.eq(1i16))
            .filter(offers::outcome.eq(outcome.to_owned()))
            .count()
            .get_result(conn)
    };
    let included = outcome(conn, "included")?;
    let pending = outcome(conn, "pending")?;
    let overdue: i64 = filtered(filter)
        .filter(offers::annulled.eq(0i16))
        .filter(offers::offered.eq(1i16))
        .filter(offers::outcome.eq("pending"))
        .filter(offers::decision_date.lt(follow_up))
        .count()
        .get_result(conn)?;
    Ok(OfferCounts {
        entries,
        annulled,
        offered,
        not_offered: entries - annulled - offered,
        included,
        pending,
        overdue,
    })
}

/// True when any counted entry is demo data.
pub fn has_demo(conn: &mut DbConnection) -> QueryResult<bool> {
    // Literal, as in the partial index `offers_demo`: a bound parameter would keep the
    // planner from using it.
    let first: Option<i32> = offers::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "is_demo = 1 AND annulled = 0",
        ))
        .select(offers::id)
        .first(conn)
        .optional()?;
    Ok(first.is_some())
}

/// True when the register has no entries at all (without counting them).
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    let first: Option<i32> = offers::table.select(offers::id).first(conn).optional()?;
    Ok(first.is_none())
}

pub fn count_offers(conn: &mut DbConnection) -> QueryResult<i64> {
    offers::table.count().get_result(conn)
}

/// The non-annulled decisions of one department, DMCG and region of residence, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub site_code: String,
    pub dmcg: String,
    pub residence_region: i32,
    pub tally: Tally,
}

type KindTuple = (
    String,
    String,
    i32,
    i16,
    Option<String>,
    Option<String>,
    i64,
);

/// Counts straight from the entries dated `from` until (not including) `until`.
fn count_raw(
    conn: &mut DbConnection,
    from: NaiveDate,
    until: NaiveDate,
    site: Option<&str>,
) -> QueryResult<Vec<Counted>> {
    let in_period = offers::annulled
        .eq(0i16)
        .and(offers::decision_date.ge(from))
        .and(offers::decision_date.lt(until));
    let group = (
        offers::site_code,
        offers::dmcg,
        offers::residence_region,
        offers::offered,
        offers::not_offered_reason,
        offers::outcome,
    );
    let select = (
        offers::site_code,
        offers::dmcg,
        offers::residence_region,
        offers::offered,
        offers::not_offered_reason,
        offers::outcome,
        count_star(),
    );
    // Two statements rather than a boxed one: diesel cannot group a boxed query.
    let rows: Vec<KindTuple> = match site {
        Some(site) => offers::table
            .filter(in_period.and(offers::site_code.eq(site)))
            .group_by(group)
            .select(select)
            .load(conn)?,
        None => offers::table
            .filter(in_period)
            .group_by(group)
            .select(select)
            .load(conn)?,
    };
    let mut by_key: BTreeMap<(String, String, i32), Tally> = BTreeMap::new();
    for (site_code, dmcg, residence, offered, reason, outcome, n) in rows {
        let offered = offered == 1;
        let included = offered && outcome.as_deref() == Some(OfferOutcome::Included.as_str());
        let reason = reason.as_deref().and_then(NotOfferedReason::parse);
        by_key.entry((site_code, dmcg, residence)).or_default().add(
            u64::try_from(n).unwrap_or(0),
            offered,
            included,
            reason,
        );
    }
    Ok(by_key
        .into_iter()
        .map(|((site_code, dmcg, residence_region), tally)| Counted {
            site_code,
            dmcg,
            residence_region,
            tally,
        })
        .collect())
}

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Rewrites the counts of one month, for one department or all.
pub fn recount(conn: &mut DbConnection, month: NaiveDate, site: Option<&str>) -> QueryResult<()> {
    let month = month_start(month);
    let counted = count_raw(conn, month, next_month(month), site)?;
    let mut delete = diesel::delete(offer_monthly::table)
        .filter(offer_monthly::month_start.eq(month))
        .into_boxed();
    if let Some(site) = site {
        delete = delete.filter(offer_monthly::site_code.eq(site.to_owned()));
    }
    delete.execute(conn)?;
    for chunk in counted.chunks(1000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|c| {
                let t = &c.tally;
                (
                    (
                        offer_monthly::month_start.eq(month),
                        offer_monthly::site_code.eq(&c.site_code),
                        offer_monthly::dmcg.eq(&c.dmcg),
                        offer_monthly::residence_region.eq(c.residence_region),
                        offer_monthly::patients.eq(int(t.patients)),
                        offer_monthly::offered.eq(int(t.offered)),
                        offer_monthly::included.eq(int(t.included)),
                    ),
                    (
                        offer_monthly::no_relevant_protocol.eq(int(t.reasons[0])),
                        offer_monthly::not_eligible.eq(int(t.reasons[1])),
                        offer_monthly::patient_condition.eq(int(t.reasons[2])),
                        offer_monthly::patient_declined_consideration.eq(int(t.reasons[3])),
                        offer_monthly::capacity.eq(int(t.reasons[4])),
                        offer_monthly::other_reason.eq(int(t.reasons[5])),
                    ),
                )
            })
            .collect();
        super::batch_insert(conn, offer_monthly::table, rows)?;
    }
    Ok(())
}

/// Recounts every month that has entries (after a bulk load).
pub fn rebuild_summary(conn: &mut DbConnection) -> QueryResult<()> {
    lock_register(conn)?;
    diesel::delete(offer_monthly::table).execute(conn)?;
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) = offers::table
        .select((
            diesel::dsl::min(offers::decision_date),
            diesel::dsl::max(offers::decision_date),
        ))
        .first(conn)?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(());
    };
    let mut month = month_start(first);
    while month <= last {
        recount(conn, month, None)?;
        month = next_month(month);
    }
    Ok(())
}

/// Sums of the monthly counts of one department, DMCG and region of residence.
type SummedTuple = (
    (String, String, i32),
    (Option<i64>, Option<i64>, Option<i64>),
    (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    ),
);

/// Non-annulled decisions dated `from`–`to` inclusive, counted per department, DMCG and
/// region of residence: whole months from `offer_monthly` (summed in the database), the
/// partial months at either end from the entries. A key can appear more than once.
pub fn counts(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Counted>> {
    use diesel::dsl::sum;
    use offer_monthly as m;
    if to < from {
        return Ok(Vec::new());
    }
    let end = to.succ_opt().unwrap_or(to);
    let first_whole = if from.day() == 1 {
        from
    } else {
        next_month(from)
    };
    let whole_end = month_start(end);
    if first_whole >= whole_end {
        return count_raw(conn, from, end, None);
    }
    let mut out = count_raw(conn, from, first_whole, None)?;
    out.extend(count_raw(conn, whole_end, end, None)?);
    let rows: Vec<SummedTuple> = m::table
        .filter(m::month_start.ge(first_whole))
        .filter(m::month_start.lt(whole_end))
        .group_by((m::site_code, m::dmcg, m::residence_region))
        .select((
            (m::site_code, m::dmcg, m::residence_region),
            (sum(m::patients), sum(m::offered), sum(m::included)),
            (
                sum(m::no_relevant_protocol),
                sum(m::not_eligible),
                sum(m::patient_condition),
                sum(m::patient_declined_consideration),
                sum(m::capacity),
                sum(m::other_reason),
            ),
        ))
        .load(conn)?;
    let n = |x: Option<i64>| x.and_then(|x| u64::try_from(x).ok()).unwrap_or(0);
    out.extend(rows.into_iter().map(|(key, main, r)| Counted {
        site_code: key.0,
        dmcg: key.1,
        residence_region: key.2,
        tally: Tally {
            patients: n(main.0),
            offered: n(main.1),
            included: n(main.2),
            reasons: [n(r.0), n(r.1), n(r.2), n(r.3), n(r.4), n(r.5)],
        },
    }));
    Ok(out)
}

/// The first and last months with counted decisions, if any: read from the monthly counts
/// (an index lookup), not from the entries (a scan, since annulled entries do not count).
pub fn month_span(conn: &mut DbConnection) -> QueryResult<Option<(NaiveDate, NaiveDate)>> {
    let first: Option<NaiveDate> = offer_monthly::table
        .select(diesel::dsl::min(offer_monthly::month_start))
        .first(conn)?;
    let last: Option<NaiveDate> = offer_monthly::table
        .select(diesel::dsl::max(offer_monthly::month_start))
        .first(conn)?;
    Ok(first.zip(last))
}

/// The first and last decision dates in the register, if any (reads every entry; for the
/// benchmarks).
pub fn date_span(conn: &mut DbConnection) -> QueryResult<Option<(NaiveDate, NaiveDate)>> {
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) = offers::table
        .filter(offers::annulled.eq(0i16))
        .select((
            diesel::dsl::min(offers::decision_date),
            diesel::dsl::max(offers::decision_date),
        ))
        .first(conn)?;
    Ok(first.zip(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_the_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("valid");
        assert_eq!(month_start(d(2026, 3, 15)), d(2026, 3, 1));
        assert_eq!(next_month(d(2026, 12, 1)), d(2027, 1, 1));
        assert_eq!(next_month(d(2026, 1, 31)), d(2026, 2, 1));
    }
}
