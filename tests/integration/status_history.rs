//! The status history: every change of a protocol's or a department's recruitment status is
//! kept as a dated interval (through edits and imports), protocols stored before intervals
//! were kept get theirs from the change history, and the report for a past quarter counts
//! what was open then.

use chrono::{NaiveDate, NaiveDateTime};
use dccc_matching::{RecruitmentStatus, SiteStatus};
use dccc_registry::db::{self, history, protocols, status_history, DbConnection};
use dccc_registry::domain::interchange::ProtocolDoc;
use dccc_registry::domain::status_history::{Interval, Source, PROTOCOL_KEY};
use dccc_registry::domain::Protocol;
use dccc_registry::services::{interchange, setup};
use diesel::RunQueryDsl;

use crate::helpers::{spawn_on, texts, Data, TestDatabase, FIXTURE};

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .expect("date")
        .and_hms_opt(12, 0, 0)
        .expect("time")
}

fn midnight(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
}

/// The fixture's first record as `acronym`, in DMCG DLCG, opened on `opened_on`, at `sites`.
fn protocol(conn: &mut DbConnection, acronym: &str, opened_on: &str, sites: &[&str]) -> Protocol {
    let fixture: Vec<serde_json::Value> = serde_json::from_str(FIXTURE).expect("fixture");
    let mut p = fixture[0].clone();
    p["acronym"] = acronym.into();
    p["title_da"] = format!("{acronym}. Et testforsøg").into();
    p["title_en"] = format!("{acronym}. A test trial").into();
    p["dmcg"] = "DLCG".into();
    p["identifiers"] = serde_json::json!({});
    p["opened_on"] = opened_on.into();
    p["sites"] = sites
        .iter()
        .map(|s| serde_json::json!({"site": s, "status": "open"}))
        .collect();
    let doc: ProtocolDoc = serde_json::from_value(p).expect("doc");
    let codes = interchange::json::reference_codes(conn).expect("codes");
    doc.validate(&codes).expect("valid")
}

fn spans(intervals: &[Interval], key: &str) -> Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> {
    intervals
        .iter()
        .filter(|i| i.key == key)
        .map(|i| (i.status.clone(), i.from, i.to))
        .collect()
}

fn owned(
    v: &[(&str, NaiveDateTime, Option<NaiveDateTime>)],
) -> Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> {
    v.iter()
        .map(|(s, f, t)| ((*s).to_owned(), *f, *t))
        .collect()
}

#[tokio::test]
async fn edits_imports_and_a_backfill_keep_dated_intervals_and_past_quarters_count_them() {
    let database = TestDatabase::new();
    let pool = database.pool();
    let mut conn = pool.get().expect("connection");
    setup::prepare_database(&mut conn, false).expect("prepare");

    // X: stored on 15 January 2025 (opened 10 January) at RH-ONK (Hovedstaden) and AUH-ONK
    // (Midtjylland); AUH-ONK leaves on 31 March (a revision without it), the trial pauses on
    // 1 May and closes on 1 October.
    let x = protocol(
        &mut conn,
        "DLCG HIST-X",
        "2025-01-10",
        &["RH-ONK", "AUH-ONK"],
    );
    let id = protocols::save_protocol(&mut conn, &x, protocols::PUBLISHED, at(2025, 1, 15))
        .expect("stored");
    let mut revised = x.clone();
    revised.sites.retain(|s| s.site == "RH-ONK");
    protocols::replace_protocol(&mut conn, id, &revised, at(2025, 3, 31)).expect("revised");
    protocols::set_statuses(
        &mut conn,
        id,
        RecruitmentStatus::TemporarilyClosed,
        &[],
        at(2025, 5, 1),
    )
    .expect("paused");
    protocols::set_statuses(
        &mut conn,
        id,
        RecruitmentStatus::Closed,
        &[("RH-ONK".into(), SiteStatus::Closed)],
        at(2025, 10, 1),
    )
    .expect("closed");
    let intervals = status_history::intervals_of(&mut conn, id).expect("intervals");
    assert_eq!(
        spans(&intervals, PROTOCOL_KEY),
        owned(&[
            ("open", midnight(2025, 1, 10), Some(at(2025, 1, 15))),
            ("open", at(2025, 1, 15), Some(at(2025, 5, 1))),
            ("temporarily-closed", at(2025, 5, 1), Some(at(2025, 10, 1))),
            ("closed", at(2025, 10, 1), None),
        ])
    );
    assert_eq!(intervals[0].source, Source::Dates, "before it was stored");
    assert_eq!(
        spans(&intervals, "AUH-ONK"),
        owned(&[
            ("open", midnight(2025, 1, 10), Some(at(2025, 1, 15))),
            ("open", at(2025, 1, 15), Some(at(2025, 3, 31))),
        ]),
        "a department removed by a revision ends there"
    );
    assert_eq!(
        spans(&intervals, "RH-ONK").last().cloned(),
        Some(("closed".to_owned(), at(2025, 10, 1), None))
    );

    // Y: stored on 1 February 2025 and closed on 1 July, but its intervals are lost, as for a
    // protocol stored before they were kept: the backfill rebuilds them from the history.
    let y = protocol(&mut conn, "DLCG HIST-Y", "2025-02-01", &["OUH-ONK"]);
    let y_id = protocols::save_protocol(&mut conn, &y, protocols::PUBLISHED, at(2025, 2, 1))
        .expect("stored");
    protocols::set_statuses(
        &mut conn,
        y_id,
        RecruitmentStatus::Closed,
        &[("OUH-ONK".into(), SiteStatus::Closed)],
        at(2025, 7, 1),
    )
    .expect("closed");
    let slug = protocols::find_by_acronym(&mut conn, "DLCG HIST-Y")
        .expect("query")
        .expect("stored")
        .slug;
    let change = |field: &str, old: &str, new: &str| history::Change {
        field: field.into(),
        old: Some(old.into()),
        new: Some(new.into()),
    };
    history::record(
        &mut conn,
        "protocol",
        &slug,
        "status_changed",
        &history::Actor::system("test"),
        &[
            change("recruitment_status", "open", "closed"),
            change("sites.OUH-ONK.status", "open", "closed"),
        ],
        true,
        at(2025, 7, 1),
    )
    .expect("history");
    diesel::sql_query(format!(
        "DELETE FROM status_intervals WHERE protocol_id = {y_id}"
    ))
    .execute(&mut conn)
    .expect("forget");
    assert_eq!(status_history::backfill(&mut conn).expect("backfill"), 1);
    assert_eq!(
        status_history::backfill(&mut conn).expect("again"),
        0,
        "a second run finds nothing to do"
    );
    let rebuilt = status_history::intervals_of(&mut conn, y_id).expect("intervals");
    assert_eq!(
        spans(&rebuilt, PROTOCOL_KEY),
        owned(&[
            ("open", midnight(2025, 2, 1), Some(at(2025, 2, 1))),
            ("open", at(2025, 2, 1), Some(at(2025, 7, 1))),
            ("closed", at(2025, 7, 1), None),
        ])
    );
    let sources: Vec<Source> = rebuilt
        .iter()
        .filter(|i| i.key == PROTOCOL_KEY)
        .map(|i| i.source)
        .collect();
    assert_eq!(sources, [Source::Dates, Source::History, Source::History]);

    // An import that changes the status records it too.
    let json = |status: &str| -> &'static str {
        let fixture: Vec<serde_json::Value> = serde_json::from_str(FIXTURE).expect("fixture");
        let mut p = fixture[1].clone();
        p["recruitment_status"] = status.into();
        p["opened_on"] = serde_json::Value::Null;
        Box::leak(serde_json::to_string(&[p]).expect("json").into_boxed_str())
    };
    interchange::import_json(&mut conn, json("open"), false).expect("first import");
    let fixture: Vec<serde_json::Value> = serde_json::from_str(FIXTURE).expect("fixture");
    let acronym = fixture[1]["acronym"].as_str().expect("acronym");
    let z_id = protocols::find_by_acronym(&mut conn, acronym)
        .expect("query")
        .expect("imported")
        .id;
    interchange::import_json(&mut conn, json("temporarily-closed"), false).expect("re-import");
    let imported = status_history::intervals_of(&mut conn, z_id).expect("intervals");
    let own: Vec<(String, bool)> = spans(&imported, PROTOCOL_KEY)
        .into_iter()
        .filter(|(_, from, _)| *from > at(2026, 1, 1))
        .map(|(status, _, to)| (status, to.is_none()))
        .collect();
    assert_eq!(
        own,
        [
            ("open".to_owned(), false),
            ("temporarily-closed".to_owned(), true)
        ],
        "{imported:?}"
    );
    db::bump_registry_version(&mut conn).expect("bump");
    drop(conn);

    // The report for each quarter of 2025 counts what was open then.
    let app = spawn_on(database, Data::Corpus("[]")).await;
    let count = |html: &scraper::Html, table: &str, group: &str| -> u64 {
        texts(
            html,
            &format!("#{table} tr[data-group='{group}'] td[data-count=open_in_period]"),
        )
        .first()
        .expect("cell")
        .trim()
        .parse()
        .expect("number")
    };
    // (quarter, DLCG, Hovedstaden 1084, Midtjylland 1082, Syddanmark 1083)
    let expected = [
        ((2024, 4), 0, 0, 0, 0),
        ((2025, 1), 2, 1, 1, 1),
        // X open until 1 May at RH-ONK only; Y at OUH-ONK until 1 July.
        ((2025, 2), 2, 1, 0, 1),
        // Y closed at the very start of the quarter (noon on 1 July).
        ((2025, 3), 1, 0, 0, 1),
        ((2025, 4), 0, 0, 0, 0),
    ];
    for ((year, quarter), dlcg, capital, central, south) in expected {
        let (status, html) = app
            .get_html(&format!("/gennemsigtighed?year={year}&quarter={quarter}"))
            .await;
        assert_eq!(status, 200);
        let got = (
            count(&html, "protocols-dmcg", "DLCG"),
            count(&html, "protocols-region", "1084"),
            count(&html, "protocols-region", "1082"),
            count(&html, "protocols-region", "1083"),
        );
        assert_eq!(
            got,
            (dlcg, capital, central, south),
            "{year} Q{quarter}: DLCG, 1084, 1082, 1083"
        );
        let basis = texts(&html, "#coverage-basis").join(" ");
        assert!(
            basis.contains("på et tidspunkt i perioden"),
            "a past quarter's coverage is of the period: {basis}"
        );
    }
}
