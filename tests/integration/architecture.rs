//! The layers of `src/` (README, "Architecture"): imports point down only,
//! `cli`/`web` → `services` → `catalogue`/`search`/`db`/`mail` → `domain` → `dccc_matching`.
//! This test reads every source file and fails on an import against that direction.

use std::path::{Path, PathBuf};

/// The top-level modules each module may name with `crate::`; a module may always name
/// itself. Test modules (`tests.rs`, `*_tests.rs`) may set up fixtures through any layer.
const ALLOWED: &[(&str, &[&str])] = &[
    (
        "cli",
        &[
            "web",
            "services",
            "catalogue",
            "search",
            "db",
            "mail",
            "domain",
            "config",
        ],
    ),
    (
        "web",
        &[
            "services",
            "catalogue",
            "search",
            "db",
            "mail",
            "domain",
            "config",
        ],
    ),
    (
        "services",
        &["catalogue", "search", "db", "mail", "domain", "config"],
    ),
    ("search", &["catalogue", "db", "domain", "config"]),
    ("catalogue", &["db", "domain", "config"]),
    ("mail", &["db", "domain", "config"]),
    ("db", &["domain", "config"]),
    ("config", &["domain"]),
    ("domain", &[]),
];

/// Names that only the front ends may use: a service that takes actix types or the web
/// state could not be called from the command line.
const FRONT_END_ONLY: &[&str] = &["actix_web", "actix_session", "actix_multipart", "AppState"];

/// The top-level modules a line names through `crate::` (`crate::a::b`, `crate::{a, b::c}`).
fn crate_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: the first identifier after `{` or a comma at depth 0.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        found.push(name);
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

/// The imports of one file that go against the layers, as `path:line: message`.
fn violations(path: &str, text: &str) -> Vec<String> {
    let relative = path.trim_start_matches("src/");
    let Some((layer, _)) = relative.split_once('/').or_else(|| {
        // A file at the top of src/ (`config.rs`) is its own layer; lib.rs and main.rs list
        // modules and are not checked.
        relative.strip_suffix(".rs").map(|m| (m, ""))
    }) else {
        return Vec::new();
    };
    let file = Path::new(relative)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default();
    if file == "tests.rs" || file.ends_with("_tests.rs") {
        return Vec::new();
    }
    let Some((_, allowed)) = ALLOWED.iter().find(|(name, _)| *name == layer) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for module in crate_modules(code) {
            let known = ALLOWED.iter().any(|(name, _)| *name == module);
            if known && module != layer && !allowed.contains(&module.as_str()) {
                found.push(format!(
                    "{path}:{}: {layer} must not import crate::{module}",
                    n + 1
                ));
            }
        }
        if !matches!(layer, "web" | "cli") {
            for name in FRONT_END_ONLY {
                if code
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| w == *name)
                {
                    found.push(format!("{path}:{}: {layer} must not use {name}", n + 1));
                }
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_against_the_direction_of_the_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(
        files.len() > 50,
        "expected the source tree, found {files:?}"
    );
    let mut problems = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(root)
            .expect("inside the package")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).expect("read source");
        problems.extend(violations(&relative, &text));
    }
    assert!(
        problems.is_empty(),
        "imports against the layers:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_deliberate_back_edge_is_caught() {
    let cases: &[(&str, &str, bool)] = &[
        (
            "src/catalogue/snapshot.rs",
            "use crate::services::reports::Coverage;",
            true,
        ),
        (
            "src/catalogue/snapshot.rs",
            "use crate::search::SearchIndex;",
            true,
        ),
        (
            "src/db/users.rs",
            "use crate::{domain::accounts, web::AppState};",
            true,
        ),
        (
            "src/services/protocols/freshness.rs",
            "use crate::web::AppState;",
            true,
        ),
        (
            "src/services/offers/mod.rs",
            "fn f(r: actix_web::HttpRequest) {}",
            true,
        ),
        (
            "src/domain/offers.rs",
            "let x = crate::db::offers::count(conn);",
            true,
        ),
        ("src/config.rs", "use crate::cli::Cli;", true),
        (
            "src/search/find.rs",
            "use crate::catalogue::{Catalogue, ProtocolQuery};",
            false,
        ),
        ("src/web/api/mod.rs", "use crate::services::offers;", false),
        (
            "src/cli/serve.rs",
            "use crate::web::{self, AppState};",
            false,
        ),
        (
            "src/services/reports/mod.rs",
            "// see crate::web::reports",
            false,
        ),
        ("src/search/tests.rs", "use crate::services::setup;", false),
    ];
    for (path, line, bad) in cases {
        let found = violations(path, line);
        assert_eq!(!found.is_empty(), *bad, "{path}: {line:?} gave {found:?}");
    }
}

/// Where a transaction is opened other than through `db::write_transaction`, which on SQLite
/// takes the write lock first (a deferred transaction that reads and then writes fails with
/// "database is locked" beside another writer instead of waiting).
fn plain_transactions(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(".transaction(") && !line.trim_start().starts_with("//"))
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn every_transaction_of_the_application_takes_the_write_lock_first() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("src/db/mod.rs")) {
        let text = std::fs::read_to_string(file).expect("read source");
        for line in plain_transactions(&text) {
            found.push(format!("{}:{line}", file.display()));
        }
    }
    assert!(found.is_empty(), "use db::write_transaction: {found:?}");
    // The check sees one when there is one.
    assert_eq!(
        plain_transactions("let x = 1;\n    conn.transaction(|c| f(c))?;\n"),
        [2]
    );
}

/// The names of the types that derive `ToSchema`: the OpenAPI document's components are keyed
/// by them, and a second type of the same name silently replaces the first.
fn schema_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut deriving = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with("#[derive(") && line.contains("ToSchema") {
            deriving = true;
        } else if deriving {
            if line.contains("schema(as") {
                deriving = false;
            } else if let Some(rest) = line
                .strip_prefix("pub struct ")
                .or_else(|| line.strip_prefix("pub enum "))
                .or_else(|| line.strip_prefix("struct "))
                .or_else(|| line.strip_prefix("enum "))
            {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
                deriving = false;
            }
        }
    }
    names
}

#[test]
fn no_two_types_of_the_openapi_document_share_a_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut seen: std::collections::HashMap<String, PathBuf> = Default::default();
    let mut clashes = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source");
        for name in schema_names(&text) {
            if let Some(first) = seen.insert(name.clone(), file.clone()) {
                clashes.push(format!(
                    "{name}: {} and {}",
                    first.display(),
                    file.display()
                ));
            }
        }
    }
    assert!(clashes.is_empty(), "schema names used twice: {clashes:?}");
    assert_eq!(
        schema_names("#[derive(Serialize, ToSchema)]\n#[serde(x)]\npub struct A<'a> {}\n"),
        ["A"]
    );
}
