//! `spawn_app()` and friends: a real server on a random port over an isolated database.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use dccc_registry::mail::{Mailer, SentMail};

use dccc_registry::config::Settings;
use dccc_registry::db::{self, DbPool};
use dccc_registry::search::SearchIndex;
use dccc_registry::services::{interchange, setup};
use dccc_registry::web::{self, AppState};
use diesel::{Connection, PgConnection, RunQueryDsl};

pub const FIXTURE: &str = include_str!("../fixtures/protocols.json");
pub const INBOX: &str = "protokoller@dccc.test";

/// A per-test database: a temporary SQLite file, or a PostgreSQL database dropped afterwards.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDatabase {
    pub fn new() -> Self {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(base) if base.starts_with("postgres") => {
                let (server, _) = base
                    .rsplit_once('/')
                    .expect("TEST_DATABASE_URL has a database name");
                let name = format!("dccc_test_{}_{}", std::process::id(), unique());
                let admin_url = format!("{server}/postgres");
                let mut admin =
                    PgConnection::establish(&admin_url).expect("PostgreSQL at TEST_DATABASE_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                Self {
                    url: format!("{server}/{name}"),
                    _dir: None,
                    pg: Some((admin_url, name)),
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("registry.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    pg: None,
                }
            }
        }
    }

    pub fn settings_in(&self, demo: bool, data_dir: std::path::PathBuf) -> Settings {
        let url = self.url.clone();
        Settings::from_lookup(|name| match name {
            "DATABASE_URL" => Some(url.clone()),
            "BIND" => Some("127.0.0.1:0".into()),
            "DEMO_DATA" => Some(demo.to_string()),
            "DATA_DIR" => Some(data_dir.display().to_string()),
            "PROTOCOL_INBOX" => Some(INBOX.into()),
            "BASE_URL" => Some(BASE_URL.into()),
            _ => None,
        })
        .expect("test settings are valid")
    }

    pub fn pool(&self) -> DbPool {
        let url = dccc_registry::config::DatabaseUrl::parse(&self.url).expect("database URL");
        db::connect(&url, 4).expect("pool")
    }
}

impl TestDatabase {
    /// Whether any table holds `needle` anywhere in a row. On SQLite the file itself is
    /// searched (with its write-ahead log), so freed pages count too.
    pub fn holds_text(&self, needle: &str) -> bool {
        if self.pg.is_none() {
            let path = self
                .url
                .strip_prefix("sqlite://")
                .expect("a SQLite URL")
                .to_owned();
            return ["", "-wal", "-journal"].iter().any(|suffix| {
                std::fs::read(format!("{path}{suffix}"))
                    .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            });
        }
        #[derive(diesel::QueryableByName)]
        struct Table {
            #[diesel(sql_type = diesel::sql_types::Text)]
            table_name: String,
        }
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = PgConnection::establish(&self.url).expect("PostgreSQL");
        let tables: Vec<Table> = diesel::sql_query(
            "SELECT table_name::text AS table_name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        )
        .load(&mut conn)
        .expect("tables");
        tables.iter().any(|t| {
            let found: Count = diesel::sql_query(format!(
                "SELECT count(*) AS n FROM \"{}\" row WHERE row::text LIKE $1",
                t.table_name
            ))
            .bind::<diesel::sql_types::Text, _>(format!("%{needle}%"))
            .get_result(&mut conn)
            .expect("search");
            found.n > 0
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    COUNTER.fetch_add(1, Ordering::Relaxed) * 1_000_000_000 + u64::from(nanos)
}

/// The `BASE_URL` every test app is configured with: the address links and identifiers
/// start with.
pub const BASE_URL: &str = "http://registry.test";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub sent: Arc<Mutex<Vec<SentMail>>>,
    pub mailer: Arc<Mailer>,
    /// The key the server signs e-mailed links with.
    pub link_key: Vec<u8>,
    // Dropped last: the server may still hold connections to it.
    pub db: TestDatabase,
    _data_dir: tempfile::TempDir,
}

/// What the database starts with.
pub enum Data {
    /// Reference data and the fixed test corpus in tests/fixtures/protocols.json.
    Fixture,
    /// Reference data and the demo protocols, as `serve` loads them.
    Demo,
    /// Reference data and the protocols of an interchange file (e.g. the search corpus).
    Corpus(&'static str),
}

pub async fn spawn_app(data: Data) -> TestApp {
    let db = TestDatabase::new();
    spawn_on(db, data).await
}

pub async fn spawn_on(db: TestDatabase, data: Data) -> TestApp {
    let demo = matches!(data, Data::Demo);
    let data_dir = tempfile::tempdir().expect("data dir");
    let settings = db.settings_in(demo, data_dir.path().to_owned());
    let pool = db::connect(&settings.database, 4).expect("pool");
    {
        let mut conn = pool.get().expect("connection");
        setup::prepare_database(&mut conn, demo).expect("prepare database");
        match data {
            Data::Fixture => {
                interchange::import_json(&mut conn, FIXTURE, false).expect("fixture imports");
            }
            Data::Corpus(json) => {
                interchange::import_json(&mut conn, json, false).expect("corpus imports");
            }
            Data::Demo => {}
        }
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let (mailer, sent) = Mailer::memory("DCCC <noreply@dccc.test>".parse().expect("mailbox"));
    let mailer = Arc::new(mailer);
    let state = AppState::build(
        pool.clone(),
        settings,
        SearchIndex::in_ram().expect("search index"),
        mailer.clone(),
    )
    .expect("app state");
    let link_key = state.link_key.to_vec();
    let server = web::start(listener, state).expect("server starts");
    tokio::spawn(server);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        pool,
        sent,
        mailer,
        link_key,
        db,
        _data_dir: data_dir,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.json().await.expect("JSON body");
        (status, body)
    }

    /// GET with a given (e.g. logged-in) client; the JSON body.
    pub async fn json_as(&self, client: &reqwest::Client, path: &str) -> serde_json::Value {
        client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON body")
    }

    pub async fn get_html(&self, path: &str) -> (u16, scraper::Html) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.text().await.expect("body");
        (status, scraper::Html::parse_document(&body))
    }
}

/// Texts of the elements a CSS selector finds.
pub fn texts(html: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

/// Values of an attribute on the elements a CSS selector finds.
pub fn attrs(html: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("valid selector");
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// Acronyms of the items of an API list response.
pub fn acronyms(body: &serde_json::Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items array")
        .iter()
        .map(|i| i["acronym"].as_str().expect("acronym").to_owned())
        .collect()
}

pub const PASSWORD: &str = "correct horse battery staple";

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    /// Creates a user straight in the database.
    pub fn create_user(&self, email: &str, role: &str, dmcgs: &[&str], sites: &[&str]) -> i32 {
        use dccc_registry::db::users::{self, Role, UserInput};
        let mut conn = self.pool.get().expect("connection");
        let input = UserInput {
            email: email.into(),
            display_name: email.split('@').next().unwrap_or(email).into(),
            role: Role::parse(role).expect("role"),
            dmcgs: dmcgs.iter().map(|s| (*s).to_owned()).collect(),
            sites: sites.iter().map(|s| (*s).to_owned()).collect(),
        };
        let hash = users::hash_password(PASSWORD).expect("hash");
        users::create_user(&mut conn, &input, &hash, chrono::Utc::now().naive_utc()).expect("user")
    }

    /// The CSRF token of the first form on a page, read as a browser would.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let body = client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        let html = scraper::Html::parse_document(&body);
        attrs(&html, "input[name=csrf_token]", "value")
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    /// Logs a new browser in through the login form.
    pub async fn login(&self, email: &str) -> reqwest::Client {
        let client = browser();
        let token = self.csrf(&client, "/login").await;
        let response = self
            .post(
                &client,
                "/login",
                &[
                    ("csrf_token", token.as_str()),
                    ("email", email),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "login of {email}");
        client
    }

    pub async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}{}", self.address, path))
            .form(fields)
            .send()
            .await
            .expect("post")
    }

    /// Posts `body` as JSON from the app's own client: the status and the JSON answer.
    pub async fn post_json(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .expect("post");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json"))
    }

    pub async fn page(&self, client: &reqwest::Client, path: &str) -> (u16, scraper::Html) {
        let response = client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("get");
        let status = response.status().as_u16();
        (
            status,
            scraper::Html::parse_document(&response.text().await.expect("body")),
        )
    }

    /// Sends what the outbox holds through the in-memory mailer; returns the subjects sent.
    pub fn deliver_mail(&self) -> Vec<(String, String)> {
        let mut conn = self.pool.get().expect("connection");
        self.mailer
            .deliver_due(
                &mut conn,
                chrono::Utc::now().naive_utc() + chrono::Duration::seconds(1),
                100,
            )
            .expect("delivery");
        self.sent
            .lock()
            .expect("lock")
            .iter()
            .map(|m| (m.to.clone(), m.subject.clone()))
            .collect()
    }
}

/// How many times, 100 ms apart, a test looks for a change another connection made to reach a
/// server (which polls every `web::REFRESH_PERIOD`). Generous on purpose: the loop ends as soon
/// as the change shows, and only guards against a refresher that never runs; how fast it is
/// belongs in BENCHMARKS.md, not in a test on a shared machine.
pub const REFRESH_WAIT_ROUNDS: usize = 1200;

/// Imports a protocol through `pool` off the async runtime, as the command line or another
/// server would beside the one under test.
pub async fn import_elsewhere(pool: DbPool, json: &'static str) {
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        interchange::import_json(&mut conn, json, false).expect("import");
    })
    .await
    .expect("import task");
}

/// A response's `Content-Type`, empty if it has none.
pub fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A CSV file for Danish Excel: checks the byte order mark, reads the semicolon-separated
/// header and rows.
pub fn excel_rows(bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert_eq!(
        &bytes[..3],
        "\u{feff}".as_bytes(),
        "a byte order mark for Excel"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(|r| r.expect("row")).collect();
    (header, rows)
}

/// `POST /api/v1/match{query}` with `body`: the status and the JSON answer.
pub async fn post_match(
    app: &TestApp,
    query: &str,
    body: impl serde::Serialize,
) -> (u16, serde_json::Value) {
    app.post_json(&format!("/api/v1/match{query}"), &body).await
}

/// The hidden fields of the first form `selector` finds, as a browser would post them.
pub fn hidden_fields(html: &scraper::Html, selector: &str) -> Vec<(String, String)> {
    let form = scraper::Selector::parse(selector).expect("selector");
    let input = scraper::Selector::parse("input[type=hidden]").expect("selector");
    let form = html.select(&form).next().expect("form");
    form.select(&input)
        .map(|i| {
            (
                i.value().attr("name").unwrap_or("").to_owned(),
                i.value().attr("value").unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// `n` open breast-cancer protocols (C50, adjuvant, HER2 negative), copies of the fixture's
/// first record under other acronyms and identifiers, as an interchange file.
pub fn breast_trials(n: usize) -> &'static str {
    let fixture: Vec<serde_json::Value> = serde_json::from_str(FIXTURE).expect("fixture");
    let copies: Vec<serde_json::Value> = (1..=n)
        .map(|i| {
            let mut p = fixture[0].clone();
            p["acronym"] = format!("DBCG COPY-{i:03}").into();
            p["title_da"] = format!("DBCG COPY-{i:03}. Et testforsøg").into();
            p["title_en"] = format!("DBCG COPY-{i:03}. A test trial").into();
            p["identifiers"] = serde_json::json!({ "nct": format!("NCT0900{i:04}") });
            p
        })
        .collect();
    // One file per test run; a test binary lives for seconds.
    Box::leak(
        serde_json::to_string(&copies)
            .expect("json")
            .into_boxed_str(),
    )
}

impl TestApp {
    /// Stores `n` generated decisions dated `from`–`to` (deterministic for `seed`; patient
    /// references start with `prefix`).
    pub fn generate_decisions(
        &self,
        n: usize,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        seed: u64,
        prefix: &'static str,
    ) {
        let mut conn = self.pool.get().expect("connection");
        let catalogue = dccc_registry::catalogue::Catalogue::load(&mut conn).expect("catalogue");
        let mut generator = dccc_registry::services::offers::generate::Generator::new(
            &catalogue, from, to, seed, prefix,
        );
        let records: Vec<_> = (0..n).map(|_| generator.next_record()).collect();
        dccc_registry::db::offers::insert_offers(
            &mut conn,
            &records,
            &dccc_registry::db::history::Actor::system("test"),
            false,
            false,
            chrono::Utc::now().naive_utc(),
        )
        .expect("insert");
    }
}
