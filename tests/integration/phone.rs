//! The pages at a phone's width (390 px) in headless Chromium: none may scroll sideways
//! (`document.documentElement.scrollWidth > innerWidth`), in Danish or in English.
//!
//! Each page is fetched from the test server, saved with a `<base>` pointing back at it (so
//! the style sheet loads) and a script that measures, and shown in a 390 px wide frame (a
//! headless window is at least 500 px wide) of a page that takes the measurement into its
//! title, read with `chromium --headless --dump-dom`. Without Chromium the test says so and
//! passes, except where `DCCC_REQUIRE_CHROMIUM` is set (`.ci/run` sets it and installs
//! Debian's chromium).

use std::process::Command;

use crate::helpers::{browser, spawn_app, Data};

const PAGES: &[&str] = &[
    "/",
    "/protokoller",
    "/protokoller?postcode=8000&max_km=1",
    "/soeg?q=lungekr%C3%A6ft&postcode=8000",
    "/protokoller/dbcg-rt-hyposkan",
    "/protokoller/dbcg-rt-hyposkan?postcode=8000",
    "/protokoller/dbcg-rt-hyposkan/print?postcode=8000",
    "/find-forsoeg",
    "/ordliste",
    "/om",
    "/gennemsigtighed",
];

const MEASURE: &str = r#"<script>
addEventListener('load', () => {
  const over = document.documentElement.scrollWidth - innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
    .slice(0, 3)
    .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
  const message = 'overflow=' + over + ' ' + wide.join(' ');
  document.title = message;
  if (parent !== window) parent.postMessage(message, '*');
});
</script>"#;

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_owned)
}

#[tokio::test]
async fn no_page_scrolls_sideways_at_390_px() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("DCCC_REQUIRE_CHROMIUM").is_none(),
            "DCCC_REQUIRE_CHROMIUM is set but no Chromium was found"
        );
        eprintln!("skipped: no Chromium on this machine (apt-get install chromium)");
        return;
    };
    let app = spawn_app(Data::Demo).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut failures = Vec::new();
    for lang in ["da", "en"] {
        let client = browser();
        client
            .get(format!("{}/sprog/{lang}?next=/", app.address))
            .send()
            .await
            .expect("language switch");
        for (i, path) in PAGES.iter().enumerate() {
            let body = client
                .get(format!("{}{path}", app.address))
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("body");
            let page = body
                .replacen(
                    "<head>",
                    &format!("<head><base href=\"{}/\">", app.address),
                    1,
                )
                .replacen("</body>", &format!("{MEASURE}</body>"), 1);
            let file = dir.path().join(format!("{lang}-{i}.html"));
            std::fs::write(&file, page).expect("write page");
            let frame = dir.path().join(format!("{lang}-{i}-frame.html"));
            std::fs::write(
                &frame,
                format!(
                    "<html><head><title>pending</title></head><body style=\"margin:0\">\
                     <iframe src=\"{lang}-{i}.html\" style=\"width:390px;height:844px;border:0\"></iframe>\
                     <script>addEventListener('message', (e) => {{ document.title = e.data; }});</script>\
                     </body></html>"
                ),
            )
            .expect("write frame");
            let output = Command::new(&chromium)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--hide-scrollbars",
                    "--window-size=390,844",
                    "--virtual-time-budget=3000",
                    "--dump-dom",
                ])
                .arg(format!("file://{}", frame.display()))
                .output()
                .expect("run chromium");
            let dom = String::from_utf8_lossy(&output.stdout);
            let title = dom
                .split("<title>")
                .nth(1)
                .and_then(|rest| rest.split("</title>").next())
                .unwrap_or_default()
                .to_owned();
            assert!(
                title.starts_with("overflow="),
                "{path} ({lang}): the measurement did not run: {title:?}"
            );
            let over: i64 = title
                .trim_start_matches("overflow=")
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(i64::MAX);
            if over > 0 {
                failures.push(format!("{path} ({lang}): {title}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "sideways scrolling at 390 px:\n{}",
        failures.join("\n")
    );
}
