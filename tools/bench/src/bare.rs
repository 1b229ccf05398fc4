//! `bare`: the yardstick of the ratio benchmark (BENCHMARKS.md, issue 2.8). A page of the
//! TechEmpower "Fortunes" kind on the same stack as the registry and nothing else: actix-web,
//! an r2d2 pool of diesel SQLite connections, and an askama template. Each request reads the
//! twelve fortunes from the database, adds one, sorts them by message and renders an HTML
//! table with every message escaped. No sessions, compression or security headers: the
//! registry's own pages are measured against what the stack costs by itself.

use std::net::SocketAddr;

use anyhow::Context;
use askama::Template;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::{Integer, Text};

type SqlitePool = Pool<ConnectionManager<SqliteConnection>>;

/// The twelve fortunes of the TechEmpower benchmark, escaping cases included.
const FORTUNES: [&str; 12] = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    "フレームワークのベンチマーク",
];

#[derive(Debug, QueryableByName)]
struct Fortune {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    message: String,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>{% for f in fortunes %}<tr><td>{{ f.id }}</td><td>{{ f.message }}</td></tr>{% endfor %}</table></body></html>"
)]
struct FortunesPage {
    fortunes: Vec<Fortune>,
}

/// Creates the fortune table in `database` (a SQLite file) when missing and serves
/// `GET /fortunes` on `bind` until interrupted.
pub fn serve(database: &str, bind: SocketAddr, workers: usize) -> anyhow::Result<()> {
    let pool = Pool::builder()
        .max_size(u32::try_from(workers * 2).unwrap_or(8))
        .build(ConnectionManager::<SqliteConnection>::new(database))
        .with_context(|| format!("opening {database}"))?;
    {
        let mut conn = pool.get()?;
        diesel::sql_query(
            "CREATE TABLE IF NOT EXISTS fortune (id INTEGER PRIMARY KEY, message TEXT NOT NULL)",
        )
        .execute(&mut conn)?;
        diesel::sql_query("DELETE FROM fortune").execute(&mut conn)?;
        for (i, message) in FORTUNES.iter().enumerate() {
            diesel::sql_query("INSERT INTO fortune (id, message) VALUES (?, ?)")
                .bind::<Integer, _>(i32::try_from(i + 1)?)
                .bind::<Text, _>(*message)
                .execute(&mut conn)?;
        }
    }
    eprintln!("bare page: http://{bind}/fortunes");
    actix_web::rt::System::new().block_on(async move {
        actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(actix_web::web::Data::new(pool.clone()))
                .route("/fortunes", actix_web::web::get().to(fortunes))
        })
        .workers(workers)
        .bind(bind)?
        .run()
        .await
    })?;
    Ok(())
}

async fn fortunes(pool: actix_web::web::Data<SqlitePool>) -> actix_web::HttpResponse {
    let pool = pool.get_ref().clone();
    let page = actix_web::web::block(move || -> anyhow::Result<String> {
        let mut conn = pool.get()?;
        let mut fortunes: Vec<Fortune> =
            diesel::sql_query("SELECT id, message FROM fortune").load(&mut conn)?;
        fortunes.push(Fortune {
            id: 0,
            message: "Additional fortune added at request time.".into(),
        });
        fortunes.sort_by(|a, b| a.message.cmp(&b.message));
        Ok(FortunesPage { fortunes }.render()?)
    })
    .await;
    match page {
        Ok(Ok(body)) => actix_web::HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(body),
        _ => actix_web::HttpResponse::InternalServerError().finish(),
    }
}
