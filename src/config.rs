//! Typed settings read from the environment (and an optional `.env`), validated at start.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Which database backend a `DATABASE_URL` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A validated database address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the driver is given: a file path for SQLite, the URL itself for PostgreSQL.
    pub connect_to: String,
}

impl DatabaseUrl {
    /// Accepts `sqlite://path`, `sqlite:path`, `postgres://...` and `postgresql://...`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                connect_to: raw.to_owned(),
            });
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .ok_or_else(|| format!("must start with sqlite:// or postgres:// (got {raw:?})"))?;
        if path.is_empty() {
            return Err("names no SQLite file (expected e.g. sqlite://data/registry.db)".into());
        }
        Ok(Self {
            backend: Backend::Sqlite,
            connect_to: path.to_owned(),
        })
    }
}

/// Everything the service reads from its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub demo_data: bool,
    /// Signs and encrypts session cookies (accounts issue); 64 bytes or more when set.
    pub secret_key: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub protocol_inbox: Option<String>,
    pub base_url: String,
    /// ClinicalTrials.gov API v2 (`CTGOV_API_URL`); empty turns fetching and the sync off.
    pub ctgov_api_url: String,
    /// Hours between comparisons of published protocols with ClinicalTrials.gov
    /// (`CTGOV_SYNC_HOURS`, default 24; 0 is off).
    pub ctgov_sync_hours: u64,
}

/// A setting that could not be used, naming the variable.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {variable} {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl Settings {
    /// Reads the process environment, after loading `.env` when there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is worth saying.
        if let Err(err) = dotenvy::dotenv() {
            if !err.not_found() {
                return Err(ConfigError {
                    variable: ".env",
                    message: err.to_string(),
                });
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds settings from any lookup function, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let value = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let database = DatabaseUrl::parse(
            &value("DATABASE_URL").unwrap_or_else(|| "sqlite://data/registry.db".into()),
        )
        .map_err(|message| ConfigError {
            variable: "DATABASE_URL",
            message,
        })?;
        let bind_raw = value("BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind = bind_raw.trim().parse().map_err(|_| ConfigError {
            variable: "BIND",
            message: format!(
                "must be an address with a port such as 127.0.0.1:8080 (got {bind_raw:?})"
            ),
        })?;
        let demo_data = match value("DEMO_DATA").as_deref().map(str::trim) {
            None => true,
            Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(other) => {
                return Err(ConfigError {
                    variable: "DEMO_DATA",
                    message: format!("must be true or false (got {other:?})"),
                })
            }
        };
        let secret_key = value("SECRET_KEY");
        if let Some(key) = &secret_key {
            if key.len() < 64 {
                return Err(ConfigError {
                    variable: "SECRET_KEY",
                    message: format!("must be at least 64 characters (got {})", key.len()),
                });
            }
        }
        let smtp_url = value("SMTP_URL");
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError {
                    variable: "SMTP_URL",
                    message: "must start with smtp:// or smtps://".into(),
                });
            }
        }
        let mail_from = value("MAIL_FROM")
            .unwrap_or_else(|| "DCCC protokoloversigt <noreply@dccc.invalid>".into());
        if !mail_from.contains('@') {
            return Err(ConfigError {
                variable: "MAIL_FROM",
                message: "must contain an e-mail address".into(),
            });
        }
        let protocol_inbox = value("PROTOCOL_INBOX");
        if let Some(inbox) = &protocol_inbox {
            if !inbox.contains('@') {
                return Err(ConfigError {
                    variable: "PROTOCOL_INBOX",
                    message: "must be an e-mail address".into(),
                });
            }
        }
        let base_url = value("BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError {
                variable: "BASE_URL",
                message: "must start with http:// or https://".into(),
            });
        }
        // Set but empty is "off"; unset is the public API.
        let ctgov_api_url = match get("CTGOV_API_URL") {
            Some(v) => v.trim().trim_end_matches('/').to_owned(),
            None => "https://clinicaltrials.gov/api/v2".to_owned(),
        };
        if !(ctgov_api_url.is_empty()
            || ctgov_api_url.starts_with("http://")
            || ctgov_api_url.starts_with("https://"))
        {
            return Err(ConfigError {
                variable: "CTGOV_API_URL",
                message: "must start with http:// or https://, or be empty".into(),
            });
        }
        let ctgov_sync_hours = match value("CTGOV_SYNC_HOURS") {
            None => 24,
            Some(raw) => raw
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|h| *h <= 24 * 365)
                .ok_or_else(|| ConfigError {
                    variable: "CTGOV_SYNC_HOURS",
                    message: format!("must be a whole number of hours, 0 for off (got {raw:?})"),
                })?,
        };
        Ok(Self {
            ctgov_sync_hours,
            ctgov_api_url,
            database,
            bind,
            data_dir: PathBuf::from(value("DATA_DIR").unwrap_or_else(|| "data".into())),
            demo_data,
            secret_key,
            smtp_url,
            mail_from,
            protocol_inbox,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_give_a_sqlite_file_under_data_and_port_8080() {
        let s = settings(&[]).expect("defaults are valid");
        assert_eq!(s.database.backend, Backend::Sqlite);
        assert_eq!(s.database.connect_to, "data/registry.db");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert!(s.demo_data);
    }

    #[test]
    fn a_bad_variable_is_named_in_the_error() {
        for (var, value) in [
            ("DATABASE_URL", "mysql://x"),
            ("BIND", "localhost"),
            ("DEMO_DATA", "maybe"),
            ("SECRET_KEY", "short"),
            ("SMTP_URL", "http://mail"),
            ("BASE_URL", "ftp://x"),
        ] {
            let err = settings(&[(var, value)]).expect_err(var);
            assert_eq!(err.variable, var, "case {var}={value}");
            assert!(err.to_string().contains(var), "message names {var}: {err}");
        }
    }

    #[test]
    fn postgres_urls_select_the_postgres_backend() {
        let s = settings(&[("DATABASE_URL", "postgres://postgres@127.0.0.1/dccc")]).expect("valid");
        assert_eq!(s.database.backend, Backend::Postgres);
    }
}
