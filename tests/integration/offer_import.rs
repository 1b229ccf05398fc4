//! The offer CSV import at scale and side by side: two imports of one file at the same time
//! both succeed (one waits for the other's write lock) and the second warns of every row as
//! already registered; a 200,000-row file stores every row.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{spawn_app, Data};
use crate::offers::{count_offers, HEADER};

const SITES: [&str; 6] = [
    "RH-ONK", "AUH-ONK", "OUH-ONK", "AAUH-ONK", "HGH-ONK", "VEJ-ONK",
];
const DMCGS: [&str; 5] = ["DBCG", "DLCG", "DCCG", "DAHANCA", "DMCG-PAL"];
const POSTCODES: [&str; 5] = ["8000", "2100", "5000", "9000", "4000"];
const REASONS: [&str; 4] = [
    "no_relevant_protocol",
    "not_eligible",
    "patient_condition",
    "capacity",
];

/// A file of `n` valid decisions (not offered), each with its own patient reference.
fn decisions(n: usize, prefix: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".csv")
        .tempfile()
        .expect("temp");
    let mut out = std::io::BufWriter::new(file.as_file_mut());
    writeln!(out, "{HEADER}").expect("write");
    for i in 0..n {
        writeln!(
            out,
            "2025-{:02}-{:02},{},{},{prefix}{i},{},{},{},local,no,,{},,",
            i % 12 + 1,
            i % 28 + 1,
            SITES[i % SITES.len()],
            DMCGS[i / 7 % DMCGS.len()],
            18 + i % 70,
            if i % 2 == 0 { "female" } else { "male" },
            POSTCODES[i / 3 % POSTCODES.len()],
            REASONS[i / 5 % REASONS.len()],
        )
        .expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    file
}

fn import_command(db: &crate::helpers::TestDatabase, file: &tempfile::NamedTempFile) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dccc-registry"));
    command
        .args(["offers", "import", file.path().to_str().expect("path")])
        .env("DATABASE_URL", &db.url)
        .env("DEMO_DATA", "false")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[tokio::test]
async fn two_imports_of_one_file_at_once_both_succeed_and_the_second_warns_of_every_row() {
    let app = spawn_app(Data::Fixture).await;
    let rows = 3000;
    let file = decisions(rows, "SAME-");
    let first = import_command(&app.db, &file)
        .spawn()
        .expect("first import");
    let second = import_command(&app.db, &file)
        .spawn()
        .expect("second import");
    let outputs = [
        first.wait_with_output().expect("first ends"),
        second.wait_with_output().expect("second ends"),
    ];
    let mut warned = Vec::new();
    for out in &outputs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "both succeed: {stderr}");
        warned.push(stderr.lines().filter(|l| l.contains(": warning: ")).count());
    }
    assert_eq!(
        count_offers(&app),
        2 * rows as i64,
        "every row of both stored"
    );
    warned.sort_unstable();
    assert_eq!(
        warned,
        [0, rows],
        "one import found the register empty; the other, waiting for it, warns of every row"
    );
}

/// Skipped only where `SKIP_SLOW_TESTS` is set (a developer's quick run); CI runs it.
#[tokio::test]
async fn a_200000_row_file_stores_every_row() {
    if std::env::var_os("SKIP_SLOW_TESTS").is_some() {
        eprintln!("skipped: SKIP_SLOW_TESTS is set");
        return;
    }
    let app = spawn_app(Data::Fixture).await;
    let rows = 200_000;
    let file = decisions(rows, "BIG-");
    let out = import_command(&app.db, &file).output().expect("import");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert_eq!(count_offers(&app), rows as i64);
    // The monthly counts written with them agree with the entries.
    let mut conn = app.pool.get().expect("connection");
    let from = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    let to = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).expect("date");
    let counted: u64 = dccc_registry::db::offers::counts(&mut conn, from, to)
        .expect("counts")
        .iter()
        .map(|c| c.tally.patients)
        .sum();
    assert_eq!(counted, rows as u64);
}

#[tokio::test]
async fn repeats_are_named_by_line_against_the_file_and_the_register_but_not_annulled_entries() {
    use dccc_registry::db::history::Actor;
    use dccc_registry::services::offers::import::import_csv;
    use diesel::prelude::*;
    let app = spawn_app(Data::Fixture).await;
    let mut conn = app.pool.get().expect("connection");
    let catalogue = dccc_registry::catalogue::Catalogue::load(&mut conn).expect("catalogue");
    let reference = dccc_registry::services::offers::reference(&catalogue);
    let row = |reference: &str, day: u32| {
        format!("2025-03-{day:02},AUH-ONK,DBCG,{reference},67,female,8000,local,no,,capacity,,")
    };
    let actor = Actor::system("test");
    let earlier = format!(
        "{HEADER}\n{}\n{}\n",
        row("IN-REGISTER", 1),
        row("ANNULLED", 2)
    );
    import_csv(&mut conn, &earlier, &reference, &actor, None).expect("earlier file");
    {
        use dccc_registry::db::schema::offers::dsl::*;
        diesel::update(offers.filter(patient_ref.eq("ANNULLED")))
            .set(annulled.eq(1i16))
            .execute(&mut conn)
            .expect("annul");
    }
    // Lines 2 and 7 repeat each other; line 4 is blank; the row on line 5 spans two lines
    // (a quoted reason); line 8 repeats the register; line 9 an annulled entry only.
    let file = format!(
        "{HEADER},reason_text\n{},\n{},\n\n{},\"a reason\non two lines\"\n{},\n{},\n{},\n",
        row("TWICE", 5),
        row("ONCE", 5),
        row("QUOTED", 6),
        row("TWICE", 5),
        row("IN-REGISTER", 1),
        row("ANNULLED", 2),
    );
    let report = import_csv(&mut conn, &file, &reference, &actor, None).expect("imports");
    assert_eq!(report.stored, 6);
    let warnings: Vec<(u64, String)> = report
        .warnings
        .iter()
        .map(|w| (w.line, w.message.english()))
        .collect();
    assert_eq!(
        warnings,
        [
            (7, "same patient reference, department, DMCG and date as line 2".to_owned()),
            (8, "the register already holds a decision for this patient reference, department, DMCG and date".to_owned()),
        ]
    );
}

/// A bad row found after thousands of rows were already stored (the writer runs beside the
/// checker) keeps nothing of the file; every bad row is named. On PostgreSQL the rolled-back
/// entries leave a gap in the ids, and the next file's repeats are still named by their own
/// lines.
#[tokio::test]
async fn a_bad_row_after_stored_batches_keeps_nothing_and_the_next_file_is_named_by_its_lines() {
    use dccc_registry::db::history::Actor;
    use dccc_registry::services::offers::import::{import_csv, ImportError};
    use diesel::prelude::*;
    let app = spawn_app(Data::Fixture).await;
    let mut conn = app.pool.get().expect("connection");
    let catalogue = dccc_registry::catalogue::Catalogue::load(&mut conn).expect("catalogue");
    let reference = dccc_registry::services::offers::reference(&catalogue);
    let actor = Actor::system("test");
    let row = |reference: &str, day: usize| {
        format!("2025-03-{day:02},AUH-ONK,DBCG,{reference},67,female,8000,local,no,,capacity,,\n")
    };
    let mut file = format!("{HEADER}\n");
    for i in 0..9000 {
        file.push_str(&row(&format!("LATE-{i}"), i % 28 + 1));
    }
    // Lines 9002 and 9004 are bad; 9003 is good.
    file.push_str("2025-03-01,AUH-ONK,DBCG,BAD,67,female,8000,local,maybe,,capacity,,\n");
    file.push_str(&row("GOOD", 1));
    file.push_str("2025-03-01,NOWHERE,DBCG,BAD,67,female,8000,local,no,,capacity,,\n");
    let Err(ImportError::Invalid(errors)) = import_csv(&mut conn, &file, &reference, &actor, None)
    else {
        panic!("a file with bad rows is refused");
    };
    let lines: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(lines, [(9002, "offered"), (9004, "site")], "{errors:?}");
    assert_eq!(count_offers(&app), 0, "nothing of the file is kept");
    let history: i64 = {
        use dccc_registry::db::schema::history::dsl::*;
        history
            .filter(entity.eq("offer"))
            .count()
            .get_result(&mut conn)
            .expect("history")
    };
    assert_eq!(history, 0, "no history of rows that were not kept");

    let next = format!("{HEADER}\n{}{}{}", row("A", 1), row("B", 1), row("A", 1));
    let report = import_csv(&mut conn, &next, &reference, &actor, None).expect("imports");
    assert_eq!(report.stored, 3);
    let warnings: Vec<(u64, String)> = report
        .warnings
        .iter()
        .map(|w| (w.line, w.message.english()))
        .collect();
    assert_eq!(
        warnings,
        [(
            4,
            "same patient reference, department, DMCG and date as line 2".to_owned()
        )]
    );
}

/// What the database itself guarantees about the register's references, the same on both
/// backends (foreign keys on SQLite; on PostgreSQL checks once per statement, for the import's
/// speed): an entry names only departments, DMCGs, regions and users that exist, and a user
/// that entries or history entries name is not deleted.
#[tokio::test]
async fn the_register_references_only_rows_that_exist_and_keeps_them() {
    use diesel::prelude::*;
    use diesel::result::{DatabaseErrorKind, Error};
    let app = spawn_app(Data::Fixture).await;
    let mut conn = app.pool.get().expect("connection");
    let entry = |site: &str, dmcg: &str, region: i32, user: &str| {
        format!(
            "INSERT INTO offers (decision_date, site_code, dmcg, patient_ref, age_band, sex, \
             residence_region, mdt_level, offered, not_offered_reason, annulled, is_demo, \
             created_by, created_at, updated_at) VALUES ('2025-03-01', '{site}', '{dmcg}', \
             'REF', '60-69', 'female', {region}, 'local', 0, 'capacity', 0, 0, {user}, \
             '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    };
    let refused = |result: QueryResult<usize>, what: &str| match result {
        Err(Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)) => {}
        other => panic!("{what}: expected a foreign-key error, got {other:?}"),
    };
    let user = app.create_user("kept@dccc.test", "clinician", &[], &["AUH-ONK"]);
    let spare = app.create_user("spare@dccc.test", "clinician", &[], &["AUH-ONK"]);
    for (sql, what) in [
        (entry("NOWHERE", "DBCG", 1082, "NULL"), "unknown department"),
        (entry("AUH-ONK", "NODMCG", 1082, "NULL"), "unknown DMCG"),
        (entry("AUH-ONK", "DBCG", 9999, "NULL"), "unknown region"),
        (entry("AUH-ONK", "DBCG", 1082, "999999"), "unknown user"),
    ] {
        refused(diesel::sql_query(sql).execute(&mut conn), what);
    }
    assert_eq!(crate::offers::count_offers(&app), 0);
    diesel::sql_query(entry("AUH-ONK", "DBCG", 1082, &user.to_string()))
        .execute(&mut conn)
        .expect("an entry of known references is stored");
    refused(
        diesel::sql_query("UPDATE offers SET dmcg = 'NODMCG'").execute(&mut conn),
        "changed to an unknown DMCG",
    );
    refused(
        diesel::sql_query(format!("DELETE FROM users WHERE id = {user}")).execute(&mut conn),
        "a user an entry names",
    );
    diesel::sql_query(format!(
        "INSERT INTO history (entity, entity_key, action, actor_id, actor_label, at, changes, \
         public) VALUES ('offer', '1', 'created', {spare}, 'spare', '2026-01-01 00:00:00', '[]', 0)"
    ))
    .execute(&mut conn)
    .expect("a history entry of a known user");
    refused(
        diesel::sql_query(format!("DELETE FROM users WHERE id = {spare}")).execute(&mut conn),
        "a user a history entry names",
    );
    refused(
        diesel::sql_query(
            "INSERT INTO history (entity, entity_key, action, actor_id, actor_label, at, \
             changes, public) VALUES ('offer', '1', 'created', 999999, 'x', \
             '2026-01-01 00:00:00', '[]', 0)",
        )
        .execute(&mut conn),
        "a history entry of an unknown user",
    );
    // Once nothing names it, a user can go (the checks above refused for the reason named).
    let free = app.create_user("free@dccc.test", "clinician", &[], &["AUH-ONK"]);
    diesel::sql_query(format!("DELETE FROM users WHERE id = {free}"))
        .execute(&mut conn)
        .expect("a user nothing names is deleted");
}
